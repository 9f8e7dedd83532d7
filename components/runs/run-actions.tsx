"use client";

import { useState } from "react";
import { dangerButtonClass } from "@/components/fleet/styles";
import { cancelRun, type RunDetail, retryRun } from "@/lib/client/runs-api";
import { buttonClass, primaryButtonClass } from "../ui";
import { ApplyDialog } from "./apply-dialog";
import { ResetDialog } from "./reset-dialog";
import { RollbackDialog } from "./rollback-dialog";
import { useLaunchRun } from "./use-launch-run";

type Dialog = "apply" | "rollback" | "reset" | null;

/**
 * What a person can do with a run from its page: cancel it, retry its failed nodes, apply a
 * plan (after a confirmation with what it changes), roll an apply back or reset its nodes.
 * Nodes whose sudo password is asked at run time get asked again.
 */
export function RunActions({ run, onChanged }: { run: RunDetail; onChanged: () => void }) {
  const { launch, sudoDialog } = useLaunchRun();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const act = (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    work()
      .catch((failure: unknown) => setError((failure as Error).message))
      .finally(() => setBusy(false));
  };
  const unfinishedNodes = run.nodes
    .filter((node) => node.state !== "succeeded")
    .map((node) => node.node);
  const unfinished = unfinishedNodes.length;
  const retry = () =>
    act(() => launch(unfinishedNodes, "Retry", (sudoPasswords) => retryRun(run.id, sudoPasswords)));
  const finishedApply = run.action === "apply" && run.status !== "running";
  const names = run.nodes.map((node) => node.node);
  return (
    <span className="flex flex-wrap items-center gap-2">
      {run.status === "running" && (
        <button
          type="button"
          className={buttonClass}
          disabled={busy}
          data-testid="cancel-run"
          onClick={() =>
            act(async () => {
              await cancelRun(run.id);
              onChanged();
            })
          }
        >
          Cancel
        </button>
      )}
      {/* a push is resumed by pushing again (it skips what the registry has) */}
      {run.status !== "running" && unfinished > 0 && run.action !== "push" && (
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
          onClick={() => setDialog("apply")}
        >
          Apply to these {run.nodes.length} node{run.nodes.length === 1 ? "" : "s"}…
        </button>
      )}
      {finishedApply && (
        <>
          <button
            type="button"
            className={buttonClass}
            data-testid="rollback-run"
            onClick={() => setDialog("rollback")}
          >
            Roll back…
          </button>
          <button
            type="button"
            className={dangerButtonClass}
            data-testid="reset-run"
            onClick={() => setDialog("reset")}
          >
            Reset these nodes…
          </button>
        </>
      )}
      {dialog === "apply" && (
        <ApplyDialog plan={run} launch={launch} onClose={() => setDialog(null)} />
      )}
      {dialog === "rollback" && (
        <RollbackDialog applies={[run]} launch={launch} onClose={() => setDialog(null)} />
      )}
      {dialog === "reset" && (
        <ResetDialog nodes={names} launch={launch} onClose={() => setDialog(null)} />
      )}
      {sudoDialog}
      {error && (
        <span role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </span>
      )}
    </span>
  );
}
