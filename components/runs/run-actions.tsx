"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { listNodes } from "@/lib/client/fleet-api";
import { cancelRun, type RunDetail, retryRun, runPath, startRun } from "@/lib/client/runs-api";
import type { NodePublic } from "@/lib/inventory/types";
import { SudoDialog } from "../fleet/sudo-dialog";
import { buttonClass, primaryButtonClass } from "../ui";

/** What a person can do with a run from its page: cancel it, retry its failed nodes, apply a plan. */
export function RunActions({ run, onChanged }: { run: RunDetail; onChanged: () => void }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<NodePublic[] | null>(null);
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
  // nodes whose sudo password is asked at run time need it again for the retry
  const retry = () =>
    act(async () => {
      const ask = (await listNodes()).filter(
        (node) => node.sudo.mode === "ask" && unfinishedNodes.includes(node.name),
      );
      if (ask.length === 0) return retryRun(run.id);
      setAsking(ask);
      return undefined;
    });
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
          onClick={() =>
            act(() => startRun({ action: "apply", nodes: run.nodes.map((node) => node.node) }))
          }
        >
          Apply to these {run.nodes.length} node{run.nodes.length === 1 ? "" : "s"}
        </button>
      )}
      {asking && (
        <SudoDialog
          nodes={asking}
          submitLabel="Retry"
          emptyHint="Left empty: this node fails again at its start and the others go on."
          onRun={async (passwords) => router.push(runPath(await retryRun(run.id, passwords)))}
          onClose={() => setAsking(null)}
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
