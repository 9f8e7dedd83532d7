import Link from "next/link";
import type { ReactNode } from "react";
import { formatTime } from "@/components/fleet/fleet-model";
import { buttonClass } from "@/components/ui";
import { type RunDetail, runLogHref, runPath } from "@/lib/client/runs-api";
import { StateBadge } from "./run-badge";
import { ACTION_LABEL, durationBetween, relativeTime } from "./run-format";

/**
 * The run at a glance: action, live status, who started it and when, how long it took, and the
 * whole log to download. `actions` is where run actions (cancel, retry failed nodes…) go.
 */
export function RunHeader({
  run,
  now,
  actions,
}: {
  run: RunDetail;
  now: number;
  actions?: ReactNode;
}) {
  const inputs = (run.inputs ?? {}) as {
    /** a push's bundle: its name in the bundles folder, or an upload's sha256; a dry run or not */
    bundle?: unknown;
    upload?: unknown;
    dryRun?: unknown;
    concurrency?: unknown;
    stageTimeoutSeconds?: unknown;
    retryOf?: unknown;
    fromRun?: unknown;
    fromPlan?: unknown;
    k0sBinaries?: unknown;
    k0sBinaryVersions?: unknown;
    overrideReadiness?: { reason?: unknown; nodes?: unknown };
  };
  return (
    <div className="space-y-3">
      <Link
        href="/runs"
        className="text-sm text-blue-700 underline hover:text-blue-900 dark:text-blue-300"
      >
        ← All runs
      </Link>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="flex flex-wrap items-center gap-3 text-lg font-semibold">
          <span>{ACTION_LABEL[run.action] ?? run.action}</span>
          <code className="font-mono text-sm font-normal text-slate-600 dark:text-slate-400">
            {run.id}
          </code>
          <span aria-live="polite" className="text-base">
            <StateBadge state={run.status} testId="run-status" />
          </span>
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          {actions}
          <a href={runLogHref(run.id)} download className={buttonClass} data-testid="download-log">
            Download log
          </a>
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-7">
        <Fact label="Started by">{run.startedBy}</Fact>
        <Fact label="Started">
          <time dateTime={run.createdAt} title={new Date(run.createdAt).toLocaleString()}>
            {formatTime(run.createdAt)}
          </time>{" "}
          <span className="text-slate-500 dark:text-slate-400">
            ({relativeTime(run.createdAt, now)})
          </span>
        </Fact>
        <Fact label={run.finishedAt ? "Took" : "Running for"}>
          <span className="tabular-nums" data-testid="run-duration">
            {durationBetween(run.createdAt, run.finishedAt, now)}
          </span>
        </Fact>
        {run.action === "push" ? (
          <Fact label="Bundle">
            {typeof inputs.bundle === "string"
              ? inputs.bundle
              : `upload ${String(inputs.upload ?? "").slice(0, 12)}…`}
            {inputs.dryRun === true ? " (dry run)" : ""}
          </Fact>
        ) : (
          <Fact label="Nodes">{run.nodes.length.toLocaleString()}</Fact>
        )}
        {typeof inputs.concurrency === "number" && (
          <Fact label={run.action === "push" ? "Artifacts at a time" : "Nodes at a time"}>
            {inputs.concurrency}
          </Fact>
        )}
        {typeof inputs.stageTimeoutSeconds === "number" && (
          <Fact label="Stage timeout">{inputs.stageTimeoutSeconds.toLocaleString("en-US")} s</Fact>
        )}
        {typeof inputs.retryOf === "string" && (
          <Fact label="Retry of">
            <RunLink id={inputs.retryOf} />
          </Fact>
        )}
        {typeof inputs.fromRun === "string" && (
          <Fact label="Restores backups from">
            <RunLink id={inputs.fromRun} />
          </Fact>
        )}
        {typeof inputs.fromPlan === "string" && (
          <Fact label="Carries out plan">
            <RunLink id={inputs.fromPlan} />
          </Fact>
        )}
        {runBinaries(inputs.k0sBinaries, inputs.k0sBinaryVersions).map(
          ({ arch, sha256, version }) => (
            <Fact key={arch} label={`k0s binary for ${arch}`}>
              <span title={`sha256 ${sha256}`} data-testid={`run-binary-${arch}`}>
                {version ? `${version} ` : ""}
                <code className="font-mono text-xs font-normal">{sha256.slice(0, 12)}…</code>
              </span>
            </Fact>
          ),
        )}
      </dl>
      <ReadinessOverrideNote override={inputs.overrideReadiness} />
    </div>
  );
}

/** An apply let through the checks gate by a person: their reason, and the nodes it covered. */
function ReadinessOverrideNote({ override }: { override?: { reason?: unknown; nodes?: unknown } }) {
  if (typeof override?.reason !== "string") return null;
  const nodes = Array.isArray(override.nodes) ? override.nodes.join(", ") : "every node";
  return (
    <p
      data-testid="readiness-override"
      className="break-words rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <strong className="font-semibold">Checks overridden</strong> on {nodes}: “{override.reason}”
    </p>
  );
}

function RunLink({ id }: { id: string }) {
  return (
    <Link
      href={runPath(id)}
      className="font-mono text-xs text-blue-700 underline dark:text-blue-300"
    >
      {id}
    </Link>
  );
}

/** The binaries a run recorded, by architecture (see recordedBinaries). */
function runBinaries(
  binaries: unknown,
  versions: unknown,
): { arch: string; sha256: string; version: string | null }[] {
  if (!binaries || typeof binaries !== "object") return [];
  const versionOf = (versions ?? {}) as Record<string, unknown>;
  return Object.entries(binaries).flatMap(([arch, sha256]) => {
    if (typeof sha256 !== "string") return [];
    const version = versionOf[arch];
    return [{ arch, sha256, version: typeof version === "string" ? version : null }];
  });
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="font-medium">{children}</dd>
    </div>
  );
}
