/**
 * What an apply, a rollback or a reset is about to do, worked out from recorded runs, for the
 * confirmation dialogs. Pure.
 */

/** A plan's node as the dialog sees it: its files' planned changes, or null when it has no result. */
export interface PlannedNode {
  node: string;
  files: { path: string; change: string }[] | null;
}

export interface PlanSummary {
  nodes: number;
  /** nodes where at least one file is created or updated */
  nodesChanging: number;
  create: number;
  update: number;
  unchanged: number;
  /** nodes the plan has no result for (it failed there) */
  unknown: string[];
}

export function summarisePlan(nodes: readonly PlannedNode[]): PlanSummary {
  const summary: PlanSummary = {
    nodes: nodes.length,
    nodesChanging: 0,
    create: 0,
    update: 0,
    unchanged: 0,
    unknown: [],
  };
  for (const { node, files } of nodes) {
    if (!files) {
      summary.unknown.push(node);
      continue;
    }
    let changing = false;
    for (const { change } of files) {
      if (change === "create" || change === "update") {
        summary[change] += 1;
        changing = true;
      } else summary.unchanged += 1;
    }
    if (changing) summary.nodesChanging += 1;
  }
  return summary;
}

/** What a rollback of an apply does on one node. */
export interface RollbackStep {
  node: string;
  /** files the apply updated: their previous version comes back from its backup */
  restore: string[];
  /** files the apply created: removed */
  remove: string[];
  /** the apply recorded no file outcome here (it failed before writing): nothing to roll back */
  nothingRecorded: boolean;
}

/** Per node of an apply (its RunNode results), what a rollback would restore and remove. */
export function rollbackSteps(nodes: readonly { node: string; result: unknown }[]): RollbackStep[] {
  return nodes.map(({ node, result }) => {
    const files = (result as { files?: unknown } | null)?.files;
    if (!Array.isArray(files)) return { node, restore: [], remove: [], nothingRecorded: true };
    const paths = (status: string) =>
      files
        .filter((file: { status?: unknown; path?: unknown }) => file?.status === status)
        .map((file: { path: unknown }) => String(file.path));
    return { node, restore: paths("updated"), remove: paths("created"), nothingRecorded: false };
  });
}

/** The nodes a rollback takes: those where the apply changed something. */
export function nodesToRollBack(steps: readonly RollbackStep[]): string[] {
  return steps
    .filter((step) => step.restore.length + step.remove.length > 0)
    .map((step) => step.node);
}

/** A reset goes ahead only once the person has typed how many nodes it resets. */
export function resetConfirmed(typed: string, nodeCount: number): boolean {
  return nodeCount > 0 && typed.trim() === String(nodeCount);
}
