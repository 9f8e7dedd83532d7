import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { countEvents, findEvents } from "@/lib/runs/log-query";
import { containsPattern, eventText, logFileName, parseLogQuery } from "@/lib/runs/log-text";
import { appendEvents, createRun } from "@/lib/runs/store";
import type { EventStream } from "@/lib/runs/types";

let dir: string;
let db: Database;
const LINES = 30_000;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "log-search-"));
  db = openDatabase(dir);
  createRun({
    db,
    run: {
      id: "r1",
      action: "apply",
      status: "succeeded",
      startedBy: "test",
      inputs: {},
      createdAt: new Date().toISOString(),
    },
    nodes: ["a", "b"],
  });
  const at = new Date().toISOString();
  const streams: EventStream[] = ["stdout", "stderr", "info"];
  appendEvents(
    db,
    Array.from({ length: LINES }, (_, index) => ({
      type: "line" as const,
      runId: "r1",
      node: index % 2 ? "b" : "a",
      stream: streams[index % 3] as EventStream,
      line: index === 29_999 ? "the LAST line: 100% done_ok" : `line ${index}`,
      at,
    })),
  );
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a search finds lines among all 30,000, by text, node and stream, a page at a time", () => {
  const filter = { q: "last LINE: 100% done_", node: undefined, stream: undefined };
  const last = findEvents({ db, runId: "r1", filter, limit: 10 });
  assert.deepEqual(
    last.map((event) => event.line),
    ["the LAST line: 100% done_ok"],
    "any case, %, _ taken literally",
  );
  assert.equal(countEvents({ db, runId: "r1", filter: { q: "100%d" } }), 0, "% is not a wildcard");
  assert.equal(countEvents({ db, runId: "r1", filter: { q: "line 1_" } }), 0, "_ is not either");
  assert.equal(countEvents({ db, runId: "r1", filter: {} }), LINES);
  assert.equal(countEvents({ db, runId: "r1", filter: { node: "b" } }), LINES / 2);
  assert.equal(countEvents({ db, runId: "r1", filter: { stream: "stderr" } }), LINES / 3);
  assert.equal(
    countEvents({ db, runId: "r1", filter: { node: "b", stream: "stderr", q: "line 2" } }),
    findEvents({ db, runId: "r1", filter: {}, limit: LINES }).filter(
      (e) => e.node === "b" && e.stream === "stderr" && e.line.includes("line 2"),
    ).length,
  );
  // pages follow each other without a gap or a repeat
  const ids: number[] = [];
  let afterId = 0;
  for (;;) {
    const page = findEvents({ db, runId: "r1", filter: { q: "line 1" }, afterId, limit: 1000 });
    if (page.length === 0) break;
    ids.push(...page.map((event) => event.id));
    afterId = page.at(-1)?.id ?? afterId;
  }
  assert.equal(ids.length, countEvents({ db, runId: "r1", filter: { q: "line 1" } }));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(countEvents({ db, runId: "other", filter: {} }), 0, "only the run's own lines");
});

test("log query parameters, patterns, text lines and file names", () => {
  assert.deepEqual(parseLogQuery(new URLSearchParams("q=&node=a&stream=stderr&limit=5")), {
    node: "a",
    stream: "stderr",
    limit: 5,
  });
  for (const bad of ["stream=nope", "limit=0", "limit=5000", "format=xml", `q=${"x".repeat(501)}`])
    assert.throws(() => parseLogQuery(new URLSearchParams(bad)), Error, bad);
  assert.equal(containsPattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
  assert.equal(
    eventText({ at: "2026-01-01T00:00:00.000Z", node: null, stream: "info", line: "hi" }),
    "2026-01-01T00:00:00.000Z run info hi\n",
  );
  assert.equal(
    eventText({ at: "t", node: "n-1", stream: "cmd", line: "k0s stop\nk0s reset" }),
    "t n-1 cmd k0s stop\nt n-1 cmd k0s reset\n",
    "each line of a multi-line event has its own header",
  );
  const cases: [Parameters<typeof logFileName>[1], string][] = [
    [{}, "run-r1.jsonl"],
    [{ node: "n-1" }, "run-r1-n-1.jsonl"],
    [{ node: "n-1", stream: "stderr", q: "x", format: "text" }, "run-r1-n-1-stderr-matches.log"],
    [{ format: "jsonl" }, "run-r1.jsonl"],
  ];
  for (const [query, name] of cases) assert.equal(logFileName("r1", query), name);
});
