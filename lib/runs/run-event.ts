/**
 * How a run's events sit in run_events: a log line as itself; typed state and progress in
 * streams of their own ("state", "progress") with their fields as JSON in `line`, so that they
 * share the lines' ids (one order, one replay) and the log's queries leave them out. Pure.
 */
import type { EventStream, NewEvent, RunEvent, RunLineEvent } from "./types";

/** A log line's stream, or the kind of typed event a row holds. */
export type StoredStream = EventStream | "state" | "progress";

/** A row of run_events. */
export interface StoredEvent {
  id: number;
  runId: string;
  node: string | null;
  stream: StoredStream;
  line: string;
  at: string;
}

/** The row `event` is stored as (its id comes from the insert). */
export function storedForm(event: NewEvent): Omit<StoredEvent, "id"> {
  const { runId, node, at } = event;
  if (event.type === "line") return { runId, node, at, stream: event.stream, line: event.line };
  const { type, runId: _run, node: _node, at: _at, ...fields } = event;
  return { runId, node, at, stream: type, line: JSON.stringify(fields) };
}

/** The event a row holds. */
export function fromStored(row: StoredEvent): RunEvent {
  const { id, runId, node, at, stream, line } = row;
  if (stream !== "state" && stream !== "progress")
    return { id, runId, node, at, type: "line", stream, line };
  return { ...(JSON.parse(line) as object), id, runId, node, at, type: stream } as RunEvent;
}

/** The log lines among `events`. */
export function linesOf(events: readonly RunEvent[]): RunLineEvent[] {
  return events.filter((event): event is RunLineEvent => event.type === "line");
}
