/** One node's part in a run, and the two rules every action follows for it: guard and settle. */
import type { NodePublic } from "@/lib/inventory/types";
import type { RenderedNode } from "@/lib/render/types";
import type { RootShell } from "@/lib/ssh/root-shell";
import type { LogLine, StageTracker } from "./run-log";

export interface NodeJob {
  node: NodePublic;
  files: RenderedNode;
  log: LogLine;
  stages: StageTracker;
  shell: RootShell | null;
  /** why this node stopped; null while it is fine */
  failure: string | null;
  /** what the action did, kept with the run (an apply's file outcomes: a rollback reads them) */
  result?: unknown;
  /** its final state is recorded (as soon as it is done, not when the whole run is) */
  settled: boolean;
  /** a stage outlasted the stage timeout: its session is closed, no new one is kept */
  interrupted: boolean;
  /** shared by every job of the run */
  cancelled: { value: boolean };
}

/**
 * Runs a step of a node's work unless the node already failed or the run was cancelled; an
 * error becomes the node's failure and settles it.
 */
export async function guard(job: NodeJob, work: () => Promise<void>): Promise<void> {
  if (job.failure) return;
  if (job.cancelled.value) {
    job.failure = "cancelled";
    settle(job);
    return;
  }
  try {
    await work();
  } catch (error) {
    job.failure = error instanceof Error ? error.message : String(error);
    job.log("error", job.failure);
    settle(job);
  }
}

/** Records the node's final state, once: as soon as it is known, so the page shows it at once. */
export function settle(job: NodeJob): void {
  if (job.settled) return;
  job.settled = true;
  if (job.failure === null) job.stages.finish("succeeded", job.result);
  else job.stages.finish(job.cancelled.value ? "cancelled" : "failed", job.result, job.failure);
}

/** The node's root shell; only steps of connected nodes run (guard). */
export function shellOf(job: NodeJob): RootShell {
  if (!job.shell) throw new Error(`${job.node.name} is not connected`);
  return job.shell;
}
