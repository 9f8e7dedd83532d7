"use client";

import { useState } from "react";
import { dangerButtonClass } from "@/components/fleet/styles";
import { buttonClass } from "@/components/ui";
import type { RunSummary } from "@/lib/client/runs-api";
import { ResetDialog } from "./reset-dialog";
import { RollbackDialog } from "./rollback-dialog";
import { useLaunchRun } from "./use-launch-run";

/** The Runs page's other actions: roll back an apply from the history, reset nodes. */
export function MaintenanceActions({ runs }: { runs: RunSummary[] | null }) {
  const { launch, sudoDialog } = useLaunchRun();
  const [dialog, setDialog] = useState<"rollback" | "reset" | null>(null);
  const applies = (runs ?? []).filter((run) => run.action === "apply" && run.status !== "running");
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Changes start with a plan above, and are applied from the plan’s page once its diffs are
        reviewed. To undo an apply, roll it back: the files it changed come back from its backups. A
        reset removes k0s and the console’s files from nodes.
      </p>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={buttonClass}
          disabled={applies.length === 0}
          data-testid="open-rollback"
          onClick={() => setDialog("rollback")}
        >
          {applies.length === 0 ? "Roll back an apply (none yet)" : "Roll back an apply…"}
        </button>
        <button
          type="button"
          className={dangerButtonClass}
          data-testid="open-reset"
          onClick={() => setDialog("reset")}
        >
          Reset nodes…
        </button>
      </div>
      {dialog === "rollback" && (
        <RollbackDialog applies={applies} launch={launch} onClose={() => setDialog(null)} />
      )}
      {dialog === "reset" && (
        <ResetDialog nodes={null} launch={launch} onClose={() => setDialog(null)} />
      )}
      {sudoDialog}
    </div>
  );
}
