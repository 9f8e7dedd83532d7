/**
 * A run's stored log lines filtered by node, stream and text, in pages (the log search, its
 * downloads): lines only, never the typed state events stored among them.
 */
import type { Database } from "@/lib/inventory/db";
import { containsPattern, type LogQuery } from "./log-text";
import type { RunLineEvent } from "./types";

export type LogFilter = Pick<LogQuery, "node" | "stream" | "q">;

const WHERE = `run_id = ? AND stream NOT IN ('state', 'progress') AND (? IS NULL OR node = ?) AND (? IS NULL OR stream = ?)
  AND (? IS NULL OR line LIKE ? ESCAPE '\\')`;

function whereArgs(runId: string, { node, stream, q }: LogFilter): unknown[] {
  const pattern = q ? containsPattern(q) : null;
  return [runId, node ?? null, node ?? null, stream ?? null, stream ?? null, pattern, pattern];
}

/** The matching lines after event `afterId`, in order, at most `limit`. */
export function findEvents({
  db,
  runId,
  filter,
  afterId = 0,
  limit,
}: {
  db: Database;
  runId: string;
  filter: LogFilter;
  afterId?: number;
  limit: number;
}): RunLineEvent[] {
  return db
    .prepare(
      `SELECT id, run_id AS runId, 'line' AS type, node, stream, line, at FROM run_events
       WHERE ${WHERE} AND id > ? ORDER BY id LIMIT ?`,
    )
    .all(...whereArgs(runId, filter), afterId, limit) as RunLineEvent[];
}

/** How many of the run's lines match. */
export function countEvents({
  db,
  runId,
  filter,
}: {
  db: Database;
  runId: string;
  filter: LogFilter;
}): number {
  const row = db
    .prepare(`SELECT COUNT(*) AS n FROM run_events WHERE ${WHERE}`)
    .get(...whereArgs(runId, filter)) as { n: number };
  return row.n;
}
