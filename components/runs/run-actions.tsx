"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Readiness, ReadinessOverride } from "@/lib/checks/readiness";
import { listNodes } from "@/lib/client/fleet-api";
import { cancelRun, type RunDetail, retryRun, runPath, startRun } from "@/lib/client/runs-api";
import type { NodePublic } from "@/lib/inventory/types";
import { SudoDialog } from "../fleet/sudo-dialog";
import { buttonClass, primaryButtonClass } from "../ui";
import { ReadinessRefusal, refusedReadiness } from "./readiness-refusal";

/** A run to start once the sudo passwords of some nodes are entered. */
interface Asking {
  nodes: NodePublic[];
  submitLabel: string;
  start: (sudoPasswords: Record<string, string>) => Promise<string>;
}

/** An apply refused by the checks gate, and how to start it again with an override. */
interface Refusal {
  nodes: Readiness[];
  start: (override: ReadinessOverride) => Promise<string>;
}

/**
 * What a person can do with a run from its page: cancel it, retry its failed nodes, apply a
 * plan (with the plan's options). Nodes whose sudo password is asked at run time get asked again.
 */
export function RunActions({ run, onChanged }: { run: RunDetail; onChanged: () => void }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking | null>(null);
  const act = (work: () => Promise<string | undefined>) => {
    setBusy(true);
    setError(null);
    work()
      .then((next) => (next ? router.push(runPath(next)) : onChanged()))
      .catch((failure: unknown) => setError((failure as Error).message))
      .finally(() => setBusy(false));
  };
  const unfinishedNodes = run.nodes
    .filter((node) => node.state !== "succeeded")
    .map((node) => node.node);
  const unfinished = unfinishedNodes.length;
  /** starts at once, or once the sudo passwords of the "ask" nodes among `names` are entered */
  const withSudo = (
    names: string[],
    submitLabel: string,
    start: (sudoPasswords?: Record<string, string>) => Promise<string>,
  ) =>
    act(async () => {
      const ask = (await listNodes()).filter(
        (node) => node.sudo.mode === "ask" && names.includes(node.name),
      );
      if (ask.length === 0) return start();
      setAsking({ nodes: ask, submitLabel, start });
      return undefined;
    });
  const retry = () =>
    withSudo(unfinishedNodes, "Retry", (sudoPasswords) => retryRun(run.id, sudoPasswords));
  const planned = run.nodes.map((node) => node.node);
  const { concurrency, stageTimeoutSeconds, k0sBinary } = (run.inputs ?? {}) as {
    concurrency?: number;
    stageTimeoutSeconds?: number;
    /** the stored binary the plan was made with (its sha256) */
    k0sBinary?: string;
  };
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const startApply = (
    sudoPasswords?: Record<string, string>,
    overrideReadiness?: ReadinessOverride,
  ) =>
    startRun({
      action: "apply",
      nodes: planned,
      fromPlan: run.id,
      concurrency,
      stageTimeoutSeconds,
      k0sBinary,
      sudoPasswords,
      overrideReadiness,
    }).catch((failure: unknown) => {
      const refused = overrideReadiness ? null : refusedReadiness(failure);
      if (!refused) throw failure;
      setAsking(null);
      setRefusal({ nodes: refused, start: (override) => startApply(sudoPasswords, override) });
      throw new Error("The apply was refused: some nodes are not ready.");
    });
  const applyPlan = () => withSudo(planned, "Apply", (sudoPasswords) => startApply(sudoPasswords));
  return (
    <span className="flex flex-wrap items-center gap-2">
      {run.status === "running" && (
        <button
          type="button"
          className={buttonClass}
          disabled={busy}
          data-testid="cancel-run"
          onClick={() => act(async () => void (await cancelRun(run.id)))}
        >
          Cancel
        </button>
      )}
      {run.status !== "running" && unfinished > 0 && (
        <button
          type="button"
          className={buttonClass}
          disabled={busy}
          data-testid="retry-run"
          onClick={retry}
        >
          Retry {unfinished} node{unfinished === 1 ? "" : "s"} that did not succeed
        </button>
      )}
      {run.action === "plan" && run.status === "succeeded" && (
        <button
          type="button"
          className={primaryButtonClass}
          disabled={busy}
          data-testid="apply-plan"
          onClick={applyPlan}
        >
          Apply to these {run.nodes.length} node{run.nodes.length === 1 ? "" : "s"}
        </button>
      )}
      {asking && (
        <SudoDialog
          nodes={asking.nodes}
          submitLabel={asking.submitLabel}
          emptyHint="Left empty: this node fails at its start and the others go on."
          onRun={async (passwords) => router.push(runPath(await asking.start(passwords)))}
          onClose={() => setAsking(null)}
        />
      )}
      {refusal && (
        <ReadinessRefusal
          nodes={refusal.nodes}
          onOverride={async (override) => router.push(runPath(await refusal.start(override)))}
          onClose={() => setRefusal(null)}
        />
      )}
      {error && (
        <span role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </span>
      )}
    </span>
  );
}
