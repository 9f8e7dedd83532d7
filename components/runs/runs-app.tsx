"use client";

import { Section } from "@/components/ui";
import { MaintenanceActions } from "./maintenance-actions";
import { PlanForm } from "./plan-form";
import { RunHistory } from "./run-history";
import { useNow } from "./use-now";
import { useRunHistory } from "./use-run-history";

/** The runs page: plan first (apply from the plan's page), roll back or reset, and the history. */
export function RunsApp() {
  const history = useRunHistory();
  const running = history.runs?.some((run) => run.status === "running") ?? false;
  const now = useNow(true, running ? 1000 : 30_000);
  return (
    <div className="space-y-6">
      <Section id="plan" step={1} title="Plan a change">
        <PlanForm />
      </Section>
      <Section id="maintenance" step={2} title="Roll back or reset">
        <MaintenanceActions runs={history.runs} />
      </Section>
      <Section id="runs" step={3} title="Runs">
        {history.error && (
          <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-400">
            Could not load the runs: {history.error}
          </p>
        )}
        {history.runs === null ? (
          !history.error && <p className="text-sm text-slate-500">Loading the runs…</p>
        ) : (
          <RunHistory runs={history.runs} now={now} />
        )}
      </Section>
    </div>
  );
}
