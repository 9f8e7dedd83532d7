"use client";

import { useEffect, useId, useState } from "react";
import { ActionDialog } from "@/components/fleet/action-dialog";
import { formatTime } from "@/components/fleet/fleet-model";
import { labelClass } from "@/components/fleet/styles";
import { inputClass, ScrollList } from "@/components/ui";
import { errorText } from "@/lib/client/fleet-api";
import { getRun, type Run, startRun } from "@/lib/client/runs-api";
import { nodesToRollBack, type RollbackStep, rollbackSteps } from "@/lib/runs/action-preview";
import type { RunStarter } from "./use-launch-run";

/**
 * Roll back an apply chosen from the history: for each of its nodes, which files come back from
 * the apply's backups and which it created are removed — read from the apply's recorded outcomes.
 */
export function RollbackDialog({
  applies,
  launch,
  onClose,
}: {
  /** the applies to choose from, newest first (the first is chosen) */
  applies: Run[];
  launch: (names: string[], submitLabel: string, start: RunStarter) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const [chosen, setChosen] = useState(applies[0]?.id ?? "");
  const [steps, setSteps] = useState<RollbackStep[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (!chosen) return;
    const abort = new AbortController();
    setSteps(null);
    setLoadError(null);
    getRun(chosen, abort.signal)
      .then((run) => setSteps(rollbackSteps(run.nodes)))
      .catch((caught) => !abort.signal.aborted && setLoadError(errorText(caught)));
    return () => abort.abort();
  }, [chosen]);

  const nodes = steps ? nodesToRollBack(steps) : [];
  const rollBack = async () => {
    if (nodes.length === 0)
      throw new Error("This apply changed no file: there is nothing to roll back.");
    await launch(nodes, "Roll back", (sudoPasswords) =>
      startRun({ action: "rollback", nodes, fromRun: chosen, sudoPasswords }),
    );
  };
  return (
    <ActionDialog
      title="Roll back an apply"
      submitLabel={
        nodes.length
          ? `Roll back ${nodes.length} node${nodes.length === 1 ? "" : "s"}`
          : "Roll back"
      }
      onSubmit={rollBack}
      onClose={onClose}
      testId="rollback-dialog"
      wide
    >
      <div>
        <label htmlFor={`${id}-apply`} className={labelClass}>
          Apply to roll back
        </label>
        <select
          id={`${id}-apply`}
          value={chosen}
          onChange={(event) => setChosen(event.target.value)}
          className={inputClass}
        >
          {applies.map((run) => (
            <option key={run.id} value={run.id}>
              {run.id} · {run.status} · {formatTime(run.createdAt)}
            </option>
          ))}
        </select>
      </div>
      {loadError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not read that apply: {loadError}
        </p>
      )}
      {steps === null && !loadError && <p className="text-sm text-slate-500">Reading the apply…</p>}
      {steps && <RollbackPreview steps={steps} />}
      <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="rollback-scope">
        Only these files change: k0s stays as the apply left it (installed and running, its binary
        in place). To remove k0s from nodes, reset them.
      </p>
    </ActionDialog>
  );
}

function RollbackPreview({ steps }: { steps: RollbackStep[] }) {
  return (
    <ScrollList
      label="What the rollback does on each node"
      testId="rollback-preview"
      className="max-h-64 space-y-2 rounded-md border border-slate-200 p-2 text-xs dark:border-slate-700"
    >
      {steps.map((step) => (
        <li key={step.node} data-testid={`rollback-node-${step.node}`}>
          <p className="font-medium text-sm">{step.node}</p>
          {step.nothingRecorded ? (
            <p className="text-slate-600 dark:text-slate-400">
              The apply wrote no file here: nothing to roll back, left out.
            </p>
          ) : step.restore.length + step.remove.length === 0 ? (
            <p className="text-slate-600 dark:text-slate-400">
              The apply changed no file here: left out.
            </p>
          ) : (
            <ul className="font-mono break-all">
              {step.restore.map((path) => (
                <li key={path}>restore {path}</li>
              ))}
              {step.remove.map((path) => (
                <li key={path}>remove {path}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ScrollList>
  );
}
