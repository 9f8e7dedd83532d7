"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionDialog } from "@/components/fleet/action-dialog";
import { ScrollList } from "@/components/ui";
import type { Readiness, ReadinessOverride } from "@/lib/checks/readiness";
import {
  planResultOf,
  type RunDetail,
  runPath,
  type StartRunRequest,
  startRun,
} from "@/lib/client/runs-api";
import { summarisePlan } from "@/lib/runs/action-preview";
import { uploadSummary } from "@/lib/runs/binary-choice";
import { ReadinessRefusal, refusedReadiness } from "./readiness-refusal";
import type { RunStarter } from "./use-launch-run";

/** An apply refused by the checks gate, and how to start it again with an override. */
interface Refusal {
  nodes: Readiness[];
  start: (override: ReadinessOverride) => Promise<string>;
}

const plural = (count: number, word: string) =>
  `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;

/**
 * "Apply this plan?": how many nodes and files change, from the plan's own results, before
 * anything is written. Confirming starts the apply with the plan's options; when the checks gate
 * refuses it, the reasons per node replace this dialog, with the override where one is allowed.
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
  const uploads = uploadSummary(
    plan.nodes.map((node) => {
      const result = planResultOf(node.result);
      return { upload: result?.steps?.upload, nodeArch: result?.arch };
    }),
  );
  const names = plan.nodes.map((node) => node.node);
  const { concurrency, stageTimeoutSeconds, k0sBinaries } = (plan.inputs ?? {}) as {
    concurrency?: number;
    stageTimeoutSeconds?: number;
    k0sBinaries?: StartRunRequest["k0sBinaries"];
  };
  const router = useRouter();
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const startApply = (
    sudoPasswords?: Record<string, string>,
    overrideReadiness?: ReadinessOverride,
  ): Promise<string> =>
    startRun({
      action: "apply",
      nodes: names,
      fromPlan: plan.id,
      concurrency,
      stageTimeoutSeconds,
      k0sBinaries,
      sudoPasswords,
      overrideReadiness,
    }).catch((failure: unknown) => {
      const refused = overrideReadiness ? null : refusedReadiness(failure);
      if (!refused) throw failure;
      setRefusal({ nodes: refused, start: (override) => startApply(sudoPasswords, override) });
      throw new Error("The apply was refused: some nodes are not ready.");
    });
  const apply = () => launch(names, "Apply", (sudoPasswords) => startApply(sudoPasswords));
  if (refusal) {
    return (
      <ReadinessRefusal
        nodes={refusal.nodes}
        onOverride={async (override) => router.push(runPath(await refusal.start(override)))}
        onClose={onClose}
      />
    );
  }
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
      <ScrollList
        label="Files changing on each node"
        className="max-h-48 space-y-0.5 rounded-md border border-slate-200 p-2 text-xs dark:border-slate-700"
      >
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
      </ScrollList>
      {summary.unknown.length > 0 && (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          The plan has no result for {summary.unknown.join(", ")}: the apply may fail there.
        </p>
      )}
      {uploads && (
        <p className="text-sm" data-testid="apply-uploads">
          {uploads}.
        </p>
      )}
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Previous versions are kept on each node, so this apply can be rolled back.
      </p>
    </ActionDialog>
  );
}
