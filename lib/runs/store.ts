/** Runs in SQLite: the run, each node's stages, and every log line (whose id is its SSE id). */
import type { Statement } from "better-sqlite3";
import type { Database } from "@/lib/inventory/db";
import { fromStored, type StoredEvent, storedForm } from "./run-event";
import type { Progress } from "./run-model";
import type {
  NewEvent,
  NodeState,
  Run,
  RunAction,
  RunEvent,
  RunNode,
  RunStatus,
  RunSummary,
  StageRecord,
} from "./types";

interface RunRow {
  id: string;
  action: RunAction;
  status: RunStatus;
  started_by: string;
  inputs: string;
  created_at: string;
  finished_at: string | null;
}

interface RunNodeRow {
  node: string;
  state: NodeState;
  stages: string;
  result: string | null;
  error: string | null;
}

export function createRun({
  db,
  run,
  nodes,
}: {
  db: Database;
  run: Omit<Run, "finishedAt">;
  nodes: string[];
}): void {
  db.transaction(() => {
    db.prepare(
      "INSERT INTO runs (id, action, status, started_by, inputs, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(run.id, run.action, run.status, run.startedBy, JSON.stringify(run.inputs), run.createdAt);
    const insert = db.prepare(
      "INSERT INTO run_nodes (run_id, node, state) VALUES (?, ?, 'pending')",
    );
    for (const node of nodes) insert.run(run.id, node);
  })();
}

export function finishRun({
  db,
  id,
  status,
  finishedAt = new Date().toISOString(),
}: {
  db: Database;
  id: string;
  status: RunStatus;
  finishedAt?: string;
}): void {
  db.prepare("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?").run(
    status,
    finishedAt,
    id,
  );
}

export function updateRunNode({
  db,
  runId,
  node,
  state,
  stages,
  result,
  error,
}: {
  db: Database;
  runId: string;
  node: string;
  state: NodeState;
  stages: StageRecord[];
  result?: unknown;
  error?: string | null;
}): void {
  db.prepare(
    "UPDATE run_nodes SET state = ?, stages = ?, result = COALESCE(?, result), error = ? WHERE run_id = ? AND node = ?",
  ).run(
    state,
    JSON.stringify(stages),
    result === undefined ? null : JSON.stringify(result),
    error ?? null,
    runId,
    node,
  );
}

/** Stores `events` (lines and typed state) in ONE transaction; their ids (the SSE ids) follow their order. */
export function appendEvents(db: Database, events: readonly NewEvent[]): RunEvent[] {
  const insert = insertEvent(db);
  return db.transaction(() =>
    events.map((event) => {
      const { runId, node, stream, line, at } = storedForm(event);
      const id = Number(insert.run(runId, node, stream, line, at).lastInsertRowid);
      return { ...event, id } as RunEvent;
    }),
  )();
}

/** A run's status alone, without its nodes' stages and results; null when there is no such run. */
export function runStatus({ db, id }: { db: Database; id: string }): RunStatus | null {
  const row = db.prepare("SELECT status FROM runs WHERE id = ?").get(id) as
    | { status: RunStatus }
    | undefined;
  return row?.status ?? null;
}

export function getRun({
  db,
  id,
}: {
  db: Database;
  id: string;
}): (Run & { nodes: RunNode[]; lastEventId: number }) | null {
  const row = db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
  if (!row) return null;
  // read with the nodes (one synchronous read): the stream's events up to it are in what follows
  const last = db.prepare("SELECT max(id) AS id FROM run_events WHERE run_id = ?").get(id) as {
    id: number | null;
  };
  const nodes = db
    .prepare(
      "SELECT node, state, stages, result, error FROM run_nodes WHERE run_id = ? ORDER BY rowid",
    )
    .all(id) as RunNodeRow[];
  return {
    ...toRun(row),
    lastEventId: last.id ?? 0,
    nodes: nodes.map((node) => ({
      node: node.node,
      state: node.state,
      stages: JSON.parse(node.stages) as StageRecord[],
      result: node.result === null ? null : JSON.parse(node.result),
      error: node.error,
    })),
  };
}

/**
 * The newest apply or reset created after run `after` that succeeded on `node`: what changed k0s
 * there since; null when none did.
 */
export function latestK0sRunSince({
  db,
  node,
  after,
}: {
  db: Database;
  node: string;
  after: string;
}): { id: string; action: RunAction } | null {
  const row = db
    .prepare(
      `SELECT runs.id, runs.action FROM runs JOIN run_nodes ON run_nodes.run_id = runs.id
       WHERE run_nodes.node = ? AND run_nodes.state = 'succeeded' AND runs.action IN ('apply', 'reset')
         AND runs.created_at > (SELECT created_at FROM runs WHERE id = ?)
       ORDER BY runs.created_at DESC, runs.rowid DESC LIMIT 1`,
    )
    .get(node, after) as { id: string; action: RunAction } | undefined;
  return row ?? null;
}

/** The newest runs first, each with how many of its nodes are in each state. */
export function listRuns({ db, limit = 100 }: { db: Database; limit?: number }): RunSummary[] {
  const runs = (
    db
      .prepare("SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?")
      .all(limit) as RunRow[]
  ).map((row): RunSummary => ({ ...toRun(row), nodeCounts: {} }));
  const byId = new Map(runs.map((run) => [run.id, run]));
  const counts = db
    .prepare(
      `SELECT run_id AS runId, state, COUNT(*) AS n FROM run_nodes
       WHERE run_id IN (SELECT id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?)
       GROUP BY run_id, state`,
    )
    .all(limit) as { runId: string; state: NodeState; n: number }[];
  for (const { runId, state, n } of counts) {
    const run = byId.get(runId);
    if (run) run.nodeCounts[state] = n;
  }
  return runs;
}

/** Events (lines and typed state) after `afterId`, optionally for one node, in order. */
export function eventsAfter({
  db,
  runId,
  afterId = 0,
  node,
  limit = 10_000,
}: {
  db: Database;
  runId: string;
  afterId?: number;
  node?: string;
  limit?: number;
}): RunEvent[] {
  const rows = db
    .prepare(
      `SELECT id, run_id AS runId, node, stream, line, at FROM run_events
       WHERE run_id = ? AND id > ? AND (? IS NULL OR node = ?) ORDER BY id LIMIT ?`,
    )
    .all(runId, afterId, node ?? null, node ?? null, limit) as StoredEvent[];
  return rows.map(fromStored);
}

/**
 * Each item's latest progress event up to event `upTo`, by node ("" the run's own) then item: what
 * a page opened mid-run (or after it) shows before its stream goes on from `upTo`.
 */
export function latestProgress({
  db,
  runId,
  upTo,
}: {
  db: Database;
  runId: string;
  upTo: number;
}): Record<string, Record<string, Progress>> {
  const rows = db
    .prepare(
      `SELECT id, run_id AS runId, node, stream, line, at FROM run_events WHERE id IN (
         SELECT max(id) FROM run_events WHERE run_id = ? AND stream = 'progress' AND id <= ?
         GROUP BY node, json_extract(line, '$.item')) ORDER BY id`,
    )
    .all(runId, upTo) as StoredEvent[];
  const progress: Record<string, Record<string, Progress>> = {};
  for (const row of rows) {
    const event = fromStored(row);
    if (event.type !== "progress") continue;
    const { id: _id, runId: _runId, at: _at, type: _type, ...item } = event;
    const key = item.node ?? "";
    progress[key] = { ...progress[key], [item.item]: item };
  }
  return progress;
}

/**
 * A console that stopped mid-run cannot resume it: such runs (and their nodes) are marked
 * interrupted, and their streams told so by state events.
 */
export function markInterruptedRuns({ db }: { db: Database }): number {
  return db.transaction(() => {
    const now = new Date().toISOString();
    const nodes = db
      .prepare(
        `SELECT run_id AS runId, node, stages, error FROM run_nodes WHERE state IN ('pending', 'running')
         AND run_id IN (SELECT id FROM runs WHERE status = 'running') ORDER BY rowid`,
      )
      .all() as { runId: string; node: string; stages: string; error: string | null }[];
    const runs = db.prepare("SELECT id FROM runs WHERE status = 'running'").all() as {
      id: string;
    }[];
    db.prepare(
      "UPDATE run_nodes SET state = 'interrupted' WHERE state IN ('pending', 'running') AND run_id IN (SELECT id FROM runs WHERE status = 'running')",
    ).run();
    db.prepare(
      "UPDATE runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'",
    ).run(now);
    appendEvents(db, [
      ...nodes.map(
        ({ runId, node, stages, error }): NewEvent => ({
          type: "state",
          runId,
          node,
          at: now,
          state: "interrupted",
          stages: JSON.parse(stages) as StageRecord[],
          error,
        }),
      ),
      ...runs.map(
        ({ id }): NewEvent => ({
          type: "state",
          runId: id,
          node: null,
          at: now,
          status: "interrupted",
          finishedAt: now,
        }),
      ),
    ]);
    return runs.length;
  })();
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    action: row.action,
    status: row.status,
    startedBy: row.started_by,
    inputs: JSON.parse(row.inputs),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** Every log line is an insert: compile the statement once per database. */
const insertStatements = new WeakMap<Database, Statement<unknown[]>>();
function insertEvent(db: Database): Statement<unknown[]> {
  let statement = insertStatements.get(db);
  if (!statement) {
    statement = db.prepare(
      "INSERT INTO run_events (run_id, node, stream, line, at) VALUES (?, ?, ?, ?, ?)",
    );
    insertStatements.set(db, statement);
  }
  return statement;
}
