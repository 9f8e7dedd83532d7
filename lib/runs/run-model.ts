/**
 * A run as the browser holds it, kept current by the run's event stream: each state event
 * replaces what it describes, each progress event the figures of its item. Pure.
 */
import type { ProgressEvent, Run, RunEvent, RunLineEvent, RunNode } from "./types";

/** An item's latest progress (a push's artifact: with its state, digest and error). */
export type Progress = Omit<ProgressEvent, "id" | "runId" | "at" | "type">;

/** The run fields events change; a model may carry more (they are kept). */
export interface RunModel extends Pick<Run, "id" | "status" | "finishedAt"> {
  nodes: RunNode[];
  /** the last event it holds: older ones (a replay) change nothing */
  lastEventId: number;
  /** by node (the run's own: "") then item, in the order they first reported */
  progress?: Record<string, Record<string, Progress>>;
}

/**
 * `run` with `event` applied: a new object only where something changed, so memoised rows of
 * untouched nodes keep theirs. Lines, events the run already holds (by id: a replay, a repeat),
 * another run's events and unknown nodes change nothing.
 */
export function applyRunEvent<R extends RunModel>(run: R, event: RunEvent): R {
  if (event.runId !== run.id || event.id <= run.lastEventId || event.type === "line") return run;
  return { ...applyNew(run, event), lastEventId: event.id };
}

function applyNew<R extends RunModel>(run: R, event: Exclude<RunEvent, RunLineEvent>): R {
  if (event.type === "progress") {
    const { id: _id, runId: _runId, at: _at, type: _type, ...progress } = event;
    const key = progress.node ?? "";
    const mine = run.progress?.[key] ?? {};
    return { ...run, progress: { ...run.progress, [key]: { ...mine, [progress.item]: progress } } };
  }
  if (event.node === null) {
    return { ...run, status: event.status, finishedAt: event.finishedAt };
  }
  const { node, state, stages, error } = event;
  const index = run.nodes.findIndex((each) => each.node === node);
  const old = run.nodes[index];
  if (old === undefined) return run;
  const nodes = run.nodes.slice();
  nodes[index] = { ...old, state, stages, error };
  return { ...run, nodes };
}
