"use client";

import { ActionDialog } from "@/components/fleet/action-dialog";
import { planResultOf, type RunDetail, startRun } from "@/lib/client/runs-api";
import { summarisePlan } from "@/lib/runs/action-preview";
import type { RunStarter } from "./use-launch-run";

const plural = (count: number, word: string) =>
  `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;

/**
 * "Apply this plan?": how many nodes and files change, from the plan's own results, before
 * anything is written. Confirming starts the apply with the plan's options.
 */
export function ApplyDialog({
  plan,
  launch,
  onClose,
}: {
  plan: RunDetail;
  launch: (names: string[], submitLabel: string, start: RunStarter) => Promise<void>;
  onClose: () => void;
}) {
  const planned = plan.nodes.map((node) => ({
    node: node.node,
    files: planResultOf(node.result)?.files ?? null,
  }));
  const summary = summarisePlan(planned);
  const names = plan.nodes.map((node) => node.node);
  const { concurrency, stageTimeoutSeconds, k0sBinary } = (plan.inputs ?? {}) as {
    concurrency?: number;
    stageTimeoutSeconds?: number;
    k0sBinary?: string;
  };
  const apply = () =>
    launch(names, "Apply", (sudoPasswords) =>
      startRun({
        action: "apply",
        nodes: names,
        fromPlan: plan.id,
        concurrency,
        stageTimeoutSeconds,
        k0sBinary,
        sudoPasswords,
      }),
    );
  const changes = summary.create + summary.update;
  return (
    <ActionDialog
      title={`Apply to ${plural(summary.nodes, "node")}?`}
      submitLabel={`Apply to ${plural(summary.nodes, "node")}`}
      onSubmit={apply}
      onClose={onClose}
      testId="apply-dialog"
    >
      <p className="text-sm" data-testid="apply-summary">
        {changes === 0
          ? `No file changes on the ${plural(summary.nodes, "node")}: the apply installs or starts k0s where it is not running yet.`
          : `${plural(changes, "file")} change on ${plural(summary.nodesChanging, "node")} of ${summary.nodes.toLocaleString("en-US")}: ${summary.create.toLocaleString("en-US")} created, ${summary.update.toLocaleString("en-US")} updated (${summary.unchanged.toLocaleString("en-US")} unchanged).`}
      </p>
      <ul className="max-h-48 space-y-0.5 overflow-y-auto rounded-md border border-slate-200 p-2 text-xs dark:border-slate-700">
        {planned.map(({ node, files }) => (
          <li key={node} className="flex flex-wrap justify-between gap-x-3">
            <span className="font-medium">{node}</span>
            <span className="text-slate-600 dark:text-slate-400">
              {files === null
                ? "no plan result (the plan failed here)"
                : `${files.filter((f) => f.change === "create").length} created · ${files.filter((f) => f.change === "update").length} updated`}
            </span>
          </li>
        ))}
      </ul>
      {summary.unknown.length > 0 && (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          The plan has no result for {summary.unknown.join(", ")}: the apply may fail there.
        </p>
      )}
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Previous versions are kept on each node, so this apply can be rolled back.
      </p>
    </ActionDialog>
  );
}
