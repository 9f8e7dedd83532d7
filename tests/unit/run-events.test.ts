import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { publishEnd } from "@/lib/runs/bus";
import { nodeLog } from "@/lib/runs/run-log";
import { runEventStream } from "@/lib/runs/sse";
import {
  createRun,
  finishRun,
  getRun,
  listRuns,
  markInterruptedRuns,
  updateRunNode,
} from "@/lib/runs/store";
import { readFrames } from "./sse-frames";

let dir: string;
let db: Database;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "runs-"));
  db = openDatabase(dir);
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function newRun(id: string, nodes = ["a", "b"]) {
  createRun({
    db,
    run: {
      id,
      action: "plan",
      status: "running",
      startedBy: "test",
      inputs: {},
      createdAt: new Date().toISOString(),
    },
    nodes,
  });
}

const ids = (frames: string[]) =>
  frames.flatMap((frame) => /^id: (\d+)/.exec(frame)?.[1] ?? []).map(Number);
const lines = (frames: string[]) =>
  frames
    .filter((f) => f.startsWith("id:"))
    .map((f) => JSON.parse(f.split("data: ")[1] ?? "{}").line as string);

test("a reconnect with Last-Event-ID resumes exactly: no gap, no duplicate, then live events", async () => {
  newRun("r1");
  const log = nodeLog(db, "r1", "a");
  for (let i = 0; i < 10; i += 1) log("stdout", `line ${i}`);
  await log.drained?.();
  const abort = new AbortController();
  // a client that read four events, then lost its connection
  const first = (
    await readFrames(
      runEventStream({ db, runId: "r1", lastEventId: 0, node: null, signal: abort.signal }),
      (f) => f.length >= 4,
    )
  ).slice(0, 4);
  assert.deepEqual(lines(first), ["line 0", "line 1", "line 2", "line 3"]);
  const last = ids(first).at(-1) ?? 0;

  const resumed = runEventStream({
    db,
    runId: "r1",
    lastEventId: last,
    node: null,
    signal: abort.signal,
  });
  const reading = readFrames(resumed, (f) => f.some((frame) => frame.startsWith("event: end")));
  // live lines arrive while the second stream is open, then the run ends
  await new Promise((resolve) => setImmediate(resolve));
  log("stderr", "live 1");
  log("stdout", "live 2");
  await log.drained?.();
  finishRun({ db, id: "r1", status: "succeeded" });
  publishEnd("r1");
  const second = await reading;
  assert.deepEqual(lines(second), [
    "line 4",
    "line 5",
    "line 6",
    "line 7",
    "line 8",
    "line 9",
    "live 1",
    "live 2",
  ]);
  const all = [...ids(first), ...ids(second)];
  assert.deepEqual(
    all,
    [...all].sort((a, b) => a - b),
    "ids increase",
  );
  assert.equal(new Set(all).size, all.length, "no duplicate");
  assert.match(second.at(-1) ?? "", /event: end\ndata: \{"status":"succeeded"\}/);
  abort.abort();
});

test("a node filter only carries that node's lines", async () => {
  newRun("r2");
  const a = nodeLog(db, "r2", "a");
  const b = nodeLog(db, "r2", "b");
  a("stdout", "from a");
  b("stdout", "from b");
  await Promise.all([a.drained?.(), b.drained?.()]);
  finishRun({ db, id: "r2", status: "succeeded" });
  const frames = await readFrames(
    runEventStream({
      db,
      runId: "r2",
      lastEventId: 0,
      node: "b",
      signal: new AbortController().signal,
    }),
    () => false,
  );
  assert.deepEqual(lines(frames), ["from b"]);
  assert.match(frames.at(-1) ?? "", /event: end/);
});

test("runs left running by a previous console process are marked interrupted", () => {
  newRun("r3", ["x"]);
  assert.equal(markInterruptedRuns({ db }), 1);
  const run = getRun({ db, id: "r3" });
  assert.equal(run?.status, "interrupted");
  assert.equal(run?.nodes[0]?.state, "interrupted");
  assert.ok(run?.finishedAt);
});

test("the log writer stores each log in order, shares every slice, and pauses only a flood", async () => {
  newRun("r4");
  const a = nodeLog(db, "r4", "a");
  const b = nodeLog(db, "r4", "b");
  const stored = (node: string) =>
    (
      db
        .prepare("SELECT line FROM run_events WHERE run_id = 'r4' AND node = ? ORDER BY id")
        .all(node) as { line: string }[]
    ).map((row) => row.line);
  assert.equal(a.backlog?.(), undefined, "nothing queued: no pause");
  for (let i = 0; i < 25_000; i += 1) a("stdout", `flood ${i}`);
  b("stdout", "quiet 1");
  assert.deepEqual(stored("a"), [], "nothing is stored before the next turn of the event loop");
  const pause = a.backlog?.();
  assert.ok(pause instanceof Promise, "25,000 lines waiting: the flooding log asks for a pause");
  assert.equal(b.backlog?.(), undefined, "the quiet log is not paused");

  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(stored("b"), ["quiet 1"], "the quiet line is in the first slice");
  const first = stored("a").length;
  assert.ok(first > 0 && first < 1_000, `the flood got the rest of the slice (${first})`);
  b("stdout", "quiet 2");
  await b.drained?.();
  assert.deepEqual(stored("b"), ["quiet 1", "quiet 2"], "and the next one in the next slice");
  assert.ok(stored("a").length < 3_000, "the quiet log is drained without waiting for the flood");

  await pause;
  assert.ok(stored("a").length < 25_000, "the pause ends before the flood is all stored");
  await a.drained?.();
  assert.equal(a.backlog?.(), undefined);
  const lines = stored("a");
  assert.equal(lines.length, 25_000);
  assert.ok(
    lines.every((line, i) => line === `flood ${i}`),
    "every line of the flood, in order",
  );
});

test("the history lists each run with how many of its nodes are in each state", () => {
  newRun("r5", ["x", "y", "z"]);
  for (const [node, state] of [
    ["x", "succeeded"],
    ["y", "failed"],
    ["z", "succeeded"],
  ] as const)
    updateRunNode({ db, runId: "r5", node, state, stages: [] });
  const runs = listRuns({ db });
  assert.equal(runs[0]?.id, "r5", "newest first");
  assert.deepEqual(runs[0]?.nodeCounts, { succeeded: 2, failed: 1 });
  assert.deepEqual(runs.find((run) => run.id === "r3")?.nodeCounts, { interrupted: 1 });
});
