import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { publishEnd } from "@/lib/runs/bus";
import { findEvents } from "@/lib/runs/log-query";
import { withProgress } from "@/lib/runs/progress";
import { fromStored, storedForm } from "@/lib/runs/run-event";
import { type LogEvent, nodeLog, StageTracker } from "@/lib/runs/run-log";
import { applyRunEvent, type RunModel } from "@/lib/runs/run-model";
import { runEventStream } from "@/lib/runs/sse";
import { createRun, eventsAfter, finishRun, getRun, markInterruptedRuns } from "@/lib/runs/store";
import type { NewEvent, RunEvent, RunNode, StageRecord } from "@/lib/runs/types";
import { readFrames } from "./sse-frames";

const AT = "2026-12-07T22:00:00.000Z";
const STAGE: StageRecord = {
  name: "connect",
  state: "running",
  startedAt: AT,
  finishedAt: null,
  error: null,
};

test("every event shape is stored as a row and read back as itself", () => {
  const cases: [string, NewEvent, string][] = [
    [
      "a line is its own row",
      { type: "line", runId: "r", node: "a", stream: "stderr", line: "oops", at: AT },
      "stderr",
    ],
    [
      "a node's state",
      {
        type: "state",
        runId: "r",
        node: "a",
        at: AT,
        state: "running",
        stages: [STAGE],
        error: null,
      },
      "state",
    ],
    [
      "the run's status",
      { type: "state", runId: "r", node: null, at: AT, status: "failed", finishedAt: AT },
      "state",
    ],
    [
      "progress with a total",
      {
        ...{ type: "progress", runId: "r", node: "a", at: AT },
        ...{ item: "/usr/local/bin/k0s", done: 1024, total: 4096, unit: "bytes" },
      },
      "progress",
    ],
    [
      "progress without one",
      {
        ...{ type: "progress", runId: "r", node: null, at: AT },
        ...{ item: "images", done: 3, total: null, unit: "items" },
      },
      "progress",
    ],
  ];
  for (const [name, event, stream] of cases) {
    const row = { id: 7, ...storedForm(event) };
    assert.equal(row.stream, stream, name);
    assert.deepEqual(fromStored(row), { ...event, id: 7 }, name);
    if (event.type !== "line") {
      const fields = JSON.parse(row.line) as Record<string, unknown>;
      for (const key of ["id", "runId", "node", "at", "type"])
        assert.ok(!(key in fields), `${name}: ${key} is a column, not repeated in the JSON`);
    }
  }
});

const node = (name: string, extra: Partial<RunNode> = {}): RunNode => ({
  node: name,
  state: "pending",
  stages: [],
  result: null,
  error: null,
  ...extra,
});
const model = (): RunModel & { action: string } => ({
  id: "r",
  action: "apply",
  status: "running",
  finishedAt: null,
  lastEventId: 10,
  nodes: [node("a"), node("b", { result: { kept: true } })],
});
const ev = (id: number, fields: Record<string, unknown>): RunEvent =>
  ({ id, runId: "r", at: AT, ...fields }) as RunEvent;

test("the reducer applies each event to the run model, in a table of cases", () => {
  const failed = { ...STAGE, state: "failed", finishedAt: AT, error: "no route" };
  const cases: {
    name: string;
    events: RunEvent[];
    expect: (before: ReturnType<typeof model>, after: ReturnType<typeof model>) => void;
  }[] = [
    {
      name: "a node's state replaces its state, stages and error; its result and the others stay",
      events: [ev(11, { type: "state", node: "b", state: "failed", stages: [failed], error: "x" })],
      expect: (before, after) => {
        assert.deepEqual(after.nodes[1], {
          ...node("b", { result: { kept: true } }),
          state: "failed",
          stages: [failed],
          error: "x",
        });
        assert.equal(after.nodes[0], before.nodes[0], "an untouched node keeps its object");
        assert.equal(after.lastEventId, 11);
        assert.equal(after.action, "apply", "fields events do not describe are kept");
      },
    },
    {
      name: "the run's status and end",
      events: [ev(12, { type: "state", node: null, status: "cancelled", finishedAt: AT })],
      expect: (before, after) => {
        assert.equal(after.status, "cancelled");
        assert.equal(after.finishedAt, AT);
        assert.equal(after.nodes, before.nodes);
      },
    },
    {
      name: "progress keeps each item's latest figures, by node",
      events: [
        ev(11, { type: "progress", node: "a", item: "k0s", done: 1, total: 4, unit: "bytes" }),
        ev(12, { type: "progress", node: "a", item: "k0s", done: 4, total: 4, unit: "bytes" }),
        ev(13, { type: "progress", node: null, item: "all", done: 2, total: null, unit: "items" }),
      ],
      expect: (_before, after) =>
        assert.deepEqual(after.progress, {
          a: { k0s: { node: "a", item: "k0s", done: 4, total: 4, unit: "bytes" } },
          "": { all: { node: null, item: "all", done: 2, total: null, unit: "items" } },
        }),
    },
    {
      name: "events in order: the last state wins",
      events: [
        ev(11, { type: "state", node: "a", state: "running", stages: [STAGE], error: null }),
        ev(12, { type: "state", node: "a", state: "succeeded", stages: [], error: null }),
      ],
      expect: (_before, after) => assert.equal(after.nodes[0]?.state, "succeeded"),
    },
  ];
  const unchanged: [string, RunEvent][] = [
    ["a log line", ev(11, { type: "line", node: "a", stream: "stdout", line: "hi" })],
    [
      "an event the JSON already holds (a replay)",
      ev(10, { type: "state", node: "a", state: "failed", stages: [], error: null }),
    ],
    [
      "another run's event",
      {
        ...ev(11, { type: "state", node: null, status: "failed", finishedAt: AT }),
        runId: "other",
      },
    ],
    [
      "an unknown node",
      ev(11, { type: "state", node: "z", state: "failed", stages: [], error: null }),
    ],
  ];
  for (const { name, events, expect } of cases) {
    const before = model();
    const after = events.reduce(applyRunEvent, before);
    expect(before, after);
    assert.deepEqual(before, model(), `${name}: the model applied to is not changed`);
    const last = events.at(-1);
    if (last) assert.equal(applyRunEvent(after, last), after, `${name}: a repeat changes nothing`);
  }
  for (const [name, event] of unchanged) {
    const before = model();
    const after = applyRunEvent(before, event);
    if (event.type === "state" && event.node === "z")
      assert.deepEqual(after.nodes, before.nodes, name);
    else assert.equal(after, before, name);
  }
});

let dir: string;
let db: Database;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "runs-state-"));
  db = openDatabase(dir);
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function newRun(id: string, nodes = ["a"]) {
  createRun({
    db,
    run: { id, action: "plan", status: "running", startedBy: "t", inputs: {}, createdAt: AT },
    nodes,
  });
}

const eventsOf = (frames: string[]) =>
  frames
    .filter((frame) => frame.startsWith("id:"))
    .map((frame) => JSON.parse(frame.split("data: ")[1] ?? "{}") as RunEvent);
const describe = (event: RunEvent) =>
  event.type === "line"
    ? `line ${event.line.replace(/\(\d+\.\d+ s\)/, "(t)")}`
    : event.type === "progress"
      ? `progress ${event.done}`
      : event.node === null
        ? `run ${event.status}`
        : `${event.node} ${event.state} ${event.stages.map((s) => `${s.name}:${s.state}`).join(",")}`;

test("a node's stages are recorded as state events in order with its lines, served and replayed by the stream", async () => {
  newRun("s1");
  const log = nodeLog(db, "s1", "a");
  const stages = new StageTracker(db, "s1", "a", log);
  await stages.run("connect", async () => {
    log("stdout", "hello");
    log.emit?.({ type: "progress", item: "k0s", done: 5, total: 10, unit: "bytes" });
  });
  await assert.rejects(stages.run("upload", async () => Promise.reject(new Error("disk full"))));
  stages.finish("failed", undefined, "disk full");
  await log.drained?.();
  const record = getRun({ db, id: "s1" });
  const stored = eventsAfter({ db, runId: "s1" });
  assert.deepEqual(stored.map(describe), [
    "a running connect:running",
    "line ▶ connect",
    "line hello",
    "progress 5",
    "line ✔ connect (t)",
    "a running connect:succeeded",
    "a running connect:succeeded,upload:running",
    "line ▶ upload",
    "line ✖ upload (t): disk full",
    "a running connect:succeeded,upload:failed",
    "a failed connect:succeeded,upload:failed",
  ]);
  const last = stored.at(-1);
  assert.ok(last?.type === "state" && last.node === "a");
  assert.deepEqual(
    { state: last.state, stages: last.stages, error: last.error },
    {
      state: record?.nodes[0]?.state,
      stages: record?.nodes[0]?.stages,
      error: record?.nodes[0]?.error,
    },
    "the last state event is what the run's record holds: one source",
  );
  assert.equal(record?.lastEventId, last.id, "the JSON says which events it already holds");
  assert.deepEqual(
    findEvents({ db, runId: "s1", filter: {}, limit: 100 }).map((e) => describe(e)),
    stored.filter((e) => e.type === "line").map(describe),
    "the log search and download hold the lines only",
  );

  const signal = new AbortController().signal;
  const finishedAt = new Date().toISOString();
  nodeLog(db, "s1", null).emit?.({ type: "state", status: "failed", finishedAt });
  await new Promise((resolve) => setImmediate(resolve));
  finishRun({ db, id: "s1", status: "failed", finishedAt });
  publishEnd("s1");
  const all = () => false;
  const whole = await readFrames(
    runEventStream({ db, runId: "s1", lastEventId: 0, node: null, signal }),
    all,
  );
  const served = eventsOf(whole);
  assert.deepEqual(served.slice(0, stored.length), stored, "the stream serves them as stored");
  assert.equal(describe(served.at(-1) as RunEvent), "run failed");
  assert.match(whole.at(-1) ?? "", /^event: end/);

  // a browser that read the first four events reconnects with Last-Event-ID
  const cut = served[3]?.id ?? 0;
  const resumed = eventsOf(
    await readFrames(
      runEventStream({ db, runId: "s1", lastEventId: cut, node: null, signal }),
      all,
    ),
  );
  assert.deepEqual(resumed, served.slice(4), "the rest, state included: no loss, no repeat");
  const byNode = eventsOf(
    await readFrames(runEventStream({ db, runId: "s1", lastEventId: 0, node: "a", signal }), all),
  );
  assert.deepEqual(byNode, stored, "a node's stream carries its state too");
});

test("a run interrupted by a restart tells its stream so", () => {
  newRun("s2", ["x", "y"]);
  const { id: before } = eventsAfter({ db, runId: "s2" }).at(-1) ?? { id: 0 };
  markInterruptedRuns({ db });
  const events = eventsAfter({ db, runId: "s2", afterId: before });
  assert.deepEqual(events.map(describe), ["x interrupted ", "y interrupted ", "run interrupted"]);
  const run = getRun({ db, id: "s2" });
  assert.ok(run);
  const model = {
    ...run,
    nodes: run.nodes.map((n) => ({ ...n, state: "running" as const })),
    status: "running" as const,
    lastEventId: 0,
  };
  assert.deepEqual(
    events.reduce(applyRunEvent, model).nodes,
    run.nodes,
    "applied, they give the record",
  );
});

test("a byte stream passed through withProgress is unchanged, reported at its start and its end, not per chunk", async () => {
  const chunks = Array.from({ length: 1000 }, (_, i) => Buffer.alloc(100, i % 256));
  const reported: LogEvent[] = [];
  const log = Object.assign(() => {}, { emit: (event: LogEvent) => reported.push(event) });
  const counted = withProgress(Readable.from(chunks), log, "/usr/local/bin/k0s", 100_000);
  const received: Buffer[] = [];
  for await (const chunk of counted) received.push(chunk as Buffer);
  assert.ok(Buffer.concat(received).equals(Buffer.concat(chunks)), "the bytes pass unchanged");
  assert.ok(reported.length >= 2 && reported.length < 50, `${reported.length} reports, not 1000`);
  assert.deepEqual(reported.at(-1), {
    type: "progress",
    item: "/usr/local/bin/k0s",
    done: 100_000,
    total: 100_000,
    unit: "bytes",
  });
  assert.equal(reported[0]?.type === "progress" && reported[0].done, 100, "the first chunk");
});
