"use client";

import Link from "next/link";
import { useCallback, useMemo, useState } from "react";
import { PushArtifacts } from "@/components/registry/push-artifacts";
import { buttonClass, Section } from "@/components/ui";
import { ClusterUpPanel } from "./cluster-up";
import { LiveLog } from "./live-log";
import { PlanResults } from "./plan-result";
import { RunActions } from "./run-actions";
import { nodeColour } from "./run-format";
import { RunHeader } from "./run-header";
import { RunSummary } from "./run-summary";
import { StageMatrix } from "./stage-matrix";
import { useNow } from "./use-now";
import { useRun } from "./use-run";
import type { RunLogHandlers } from "./use-run-log";

/** One run: header, summary, node × stage matrix, the plan's diffs, and the live log. */
export function RunView({ id }: { id: string }) {
  const [streamUp, setStreamUp] = useState(false);
  const { run, error, refresh, apply } = useRun(id, streamUp);
  const now = useNow(run?.status === "running");
  const [active, setActive] = useState<string | null>(null);

  const handlers = useMemo<RunLogHandlers>(
    () => ({
      // the stream carries every state change: applied as it comes, nothing re-read
      onState: apply,
      onConnection: (connection) => setStreamUp(connection === "live"),
      // what events do not carry (a plan's diffs, the clusters up) is read once, at the end
      onEnd: () => void refresh(),
      // the stream cannot replay (signed out: refresh() sends the browser to the sign-in page;
      // removed: says so)
      onLost: () => void refresh(),
    }),
    [refresh, apply],
  );

  const namesKey = run?.nodes.map((node) => node.node).join("\n") ?? "";
  const names = useMemo(() => (namesKey ? namesKey.split("\n") : []), [namesKey]);
  const colours = useMemo(
    () => new Map(names.map((name, index) => [name, nodeColour(index)])),
    [names],
  );

  const showLog = useCallback((node: string) => {
    setActive(node);
    document.getElementById("run-log-title")?.scrollIntoView({ block: "start" });
  }, []);

  if (error?.notFound) {
    return (
      <div
        role="alert"
        className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-700 dark:border-slate-700 dark:text-slate-300"
      >
        <p className="mb-2">
          There is no run <code className="font-mono">{id}</code>.
        </p>
        <Link href="/runs" className="text-blue-700 underline dark:text-blue-300">
          ← All runs
        </Link>
      </div>
    );
  }

  let step = 0;
  return (
    <div className="space-y-6">
      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900/60">
        {run ? (
          <div className="space-y-3">
            <RunHeader
              run={run}
              now={now}
              actions={<RunActions run={run} onChanged={() => void refresh()} />}
            />
            <RunSummary run={run} onShowLog={showLog} />
          </div>
        ) : error ? (
          <div role="alert" className="text-sm text-red-700 dark:text-red-400">
            Could not load run {id}: {error.message}{" "}
            <button type="button" className={buttonClass} onClick={() => void refresh()}>
              Try again
            </button>
          </div>
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">Loading run {id}…</p>
        )}
        {run && error && (
          <p role="alert" className="mt-2 text-xs text-red-700 dark:text-red-400">
            Could not refresh the run ({error.message}): what is shown may be out of date.
          </p>
        )}
      </div>
      {run && run.status !== "running" && (run.clusters?.length ?? 0) > 0 && (
        <ClusterUpPanel runId={run.id} clusters={run.clusters ?? []} />
      )}
      {run && (
        <Section id="run-stages" step={++step} title="Stages on each node">
          <StageMatrix
            runId={run.id}
            nodes={run.nodes}
            colours={colours}
            now={now}
            // a push's artifacts have their own table
            progress={run.action === "push" ? undefined : run.progress}
            onShowLog={showLog}
          />
        </Section>
      )}
      {run?.action === "push" && (
        <Section id="run-push" step={++step} title="Artifacts pushed">
          <PushArtifacts run={run} now={now} />
        </Section>
      )}
      {run?.action === "plan" && (
        <Section id="run-plan" step={++step} title="Plan: what would change">
          <PlanResults nodes={run.nodes} colours={colours} />
        </Section>
      )}
      {/* opened once the run is known: its replay would hold up the run's JSON on the server */}
      {run && (
        <Section id="run-log" step={++step} title="Log">
          <LiveLog
            runId={id}
            nodes={names}
            colours={colours}
            active={active}
            onActive={setActive}
            handlers={handlers}
          />
        </Section>
      )}
    </div>
  );
}
