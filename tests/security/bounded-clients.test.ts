/**
 * Bounded clients, in process: stream caps and paused readers, the streamed export, archive
 * decompression limits and cancellation, and large catalogs parsed without stalling the server.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { CatalogLimitError, readCatalog } from "@/lib/catalog";
import { HttpError } from "@/lib/http/errors";
import { jsonPieces } from "@/lib/http/text-stream";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { k0sctlChunks, toK0sctl } from "@/lib/inventory/export";
import type { NodePublic } from "@/lib/inventory/types";
import { PAGE_LINES, runEventStream } from "@/lib/runs/sse";
import { appendEvents, createRun, finishRun } from "@/lib/runs/store";
import {
  MAX_STREAMS,
  MAX_STREAMS_PER_RUN,
  openStreams,
  takeStreamSlot,
} from "@/lib/runs/stream-limits";
import type { NewEvent } from "@/lib/runs/types";
import { doubleGzipBomb, HUGE, tarHeader } from "./gzip-bomb";

const MiB = 1024 ** 2;

let dir: string;
let db: Database;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "bounded-"));
  db = openDatabase(dir);
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function seedRun(id: string, lines: number, status: "running" | "succeeded" = "succeeded") {
  createRun({
    db,
    run: { id, action: "plan", status: "running", startedBy: "t", inputs: {}, createdAt: "" },
    nodes: ["a"],
  });
  const events: NewEvent[] = Array.from({ length: lines }, (_, i) => ({
    type: "line",
    runId: id,
    node: "a",
    stream: "stdout",
    line: `line ${i}`,
    at: "",
  }));
  appendEvents(db, events);
  if (status !== "running") finishRun({ db, id, status });
}

/** The database with its statements counted: each store read of a stream prepares one. */
function countingDb(): { db: Database; reads: () => number } {
  let prepared = 0;
  const counting = new Proxy(db, {
    get(target, key) {
      if (key === "prepare") prepared += 1;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: counting, reads: () => prepared };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe("live log streams", () => {
  test("a client that does not read is read for once, then paused; it resumes from the store", async () => {
    seedRun("paused", 5 * PAGE_LINES);
    const { db: counted, reads } = countingDb();
    const stream = runEventStream({
      db: counted,
      runId: "paused",
      lastEventId: 0,
      node: null,
      signal: new AbortController().signal,
    });
    await turns(50);
    assert.ok(reads() <= 1, `one page read ahead at most (${reads()} reads)`);
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const chunk = decoder.decode(value);
      assert.ok((chunk.match(/^id: /gm) ?? []).length <= PAGE_LINES, "a chunk is a page at most");
      text += chunk;
    }
    assert.equal((text.match(/^id: /gm) ?? []).length, 5 * PAGE_LINES, "every line, in pages");
    assert.match(text, /event: end\ndata: \{"status":"succeeded"\}\n\n$/);
    assert.equal(openStreams("paused").run, 0, "the finished stream gave its slot back");
  });

  test(`a run has at most ${MAX_STREAMS_PER_RUN} streams: the next is a 429 that says so`, async () => {
    seedRun("capped", 1, "running");
    const open = () =>
      runEventStream({
        db,
        runId: "capped",
        lastEventId: 0,
        node: null,
        signal: new AbortController().signal,
      });
    const streams = Array.from({ length: MAX_STREAMS_PER_RUN }, open);
    assert.throws(open, (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 429);
      assert.match(error.message, /already has 200 live log streams open \(the limit per run\)/);
      return true;
    });
    await streams[0]?.cancel();
    const again = open();
    for (const stream of [...streams.slice(1), again]) await stream.cancel();
    assert.equal(openStreams("capped").run, 0, "cancelled streams gave their slots back");
  });

  test(`the console has at most ${MAX_STREAMS} streams: the next is a 503 that says so`, () => {
    const releases = Array.from({ length: MAX_STREAMS }, (_, i) => takeStreamSlot(`run-${i % 5}`));
    assert.throws(
      () => takeStreamSlot("another"),
      (error: unknown) =>
        error instanceof HttpError &&
        error.status === 503 &&
        /already has 500 live log streams open \(its limit\)/.test(error.message),
    );
    for (const release of releases) release();
    assert.equal(openStreams("another").total, 0);
  });
});

describe("the k0sctl export", () => {
  const node = (i: number): NodePublic =>
    ({
      name: `n${i}`,
      address: `10.0.0.${i}`,
      port: 22,
      user: "root",
      role: "worker",
      registryAddress: null,
      labels: {},
      bastion: null,
    }) as unknown as NodePublic;

  test("renders a node's files only when that node is written, and shares identical files", () => {
    const shared = { path: "/etc/shared.toml", mode: "0644", content: "x = 1\n" };
    const asked: string[] = [];
    const nodes = Array.from({ length: 1_000 }, (_, i) => node(i + 1));
    const chunks = k0sctlChunks(nodes, (n) => {
      asked.push(n.name);
      return [shared, { path: `/etc/${n.name}.toml`, mode: "0644", content: `${n.name}\n` }];
    });
    const head = [chunks.next(), chunks.next(), chunks.next(), chunks.next()];
    assert.ok(head.every((chunk) => !chunk.done));
    assert.deepEqual(asked, ["n1"], "only the first node's files so far");
    const rest = [...chunks].join("");
    assert.equal(asked.length, 1_000);
    const whole = head.map((chunk) => chunk.value).join("") + rest;
    const filesPerNode = Object.fromEntries(
      nodes.map((n) => [
        n.name,
        [shared, { path: `/etc/${n.name}.toml`, mode: "0644", content: `${n.name}\n` }],
      ]),
    );
    assert.equal(whole, toK0sctl(nodes, filesPerNode), "the same text as the whole export");
  });
});

describe("archives", () => {
  test("a double-gzip bomb is refused at the decompression ratio, at once", async () => {
    const bomb = doubleGzipBomb();
    assert.ok(bomb.length < 64 * 1024, `${bomb.length} bytes`);
    const started = performance.now();
    await assert.rejects(readCatalog(bomb), (error: unknown) => {
      assert.ok(error instanceof CatalogLimitError);
      assert.match(error.message, /more than 100 times its compressed size/);
      return true;
    });
    const ms = performance.now() - started;
    console.log(`BOUNDED gzip-bomb: ${bomb.length} bytes refused after ${ms.toFixed(0)} ms`);
    // unbounded, it inflates 8 GiB (about a minute of CPU); the cap is met within its first 8 MiB
    assert.ok(ms < 2_000, `${ms.toFixed(0)} ms`);
  });

  test("the decompressed size is capped, and the error names the limit", async () => {
    // random bytes do not compress: the ratio is fine, the size is not
    const random = new Uint8Array(3 * MiB).map(() => Math.floor(Math.random() * 256));
    const tar = new Uint8Array(4 * MiB);
    tar.set(new Uint8Array(tarHeader("huge.bin", HUGE)), 0);
    tar.set(random, 512);
    await assert.rejects(
      readCatalog(gzipSync(tar), { maxDecompressedBytes: 2 * MiB }),
      /decompresses to more than 2 MiB, the console's limit for decompressed data/,
    );
  });

  test("reading stops when the client leaves (the signal aborts)", async () => {
    // an endless plain tar member: without the signal this would be read for ever
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      // a chunk per turn of the event loop, as an upload's chunks arrive
      async pull(controller) {
        await turns(1);
        pulled += 1;
        controller.enqueue(
          pulled === 1 ? new Uint8Array(tarHeader("huge.bin", HUGE)) : new Uint8Array(64 * 1024),
        );
      },
    });
    const client = new AbortController();
    const reading = readCatalog(endless, { signal: client.signal });
    await turns(20);
    assert.ok(pulled > 1, "it was reading");
    const abortedAt = performance.now();
    client.abort();
    await assert.rejects(reading, { name: "AbortError" });
    const ms = performance.now() - abortedAt;
    await turns(2); // a read already under way when the client left may still complete
    const pulledAtStop = pulled;
    await turns(20);
    assert.equal(pulled, pulledAtStop, "nothing more is read: the upload was cancelled");
    assert.ok(ms < 1_000, `stopped ${ms.toFixed(0)} ms after the client left`);
  });
});

describe("large catalogs", () => {
  const images = (count: number) =>
    Array.from(
      { length: count },
      (_, i) =>
        `registry-${i % 50}.example.com/team-${i % 300}/image-${i}:v1.2.${i}@sha256:${i.toString(16).padStart(64, "0")}`,
    ).join("\n");

  test("a 30 MB list is parsed without holding the event loop more than a few tens of ms", async () => {
    const text = `${images(199_000)}\n${"# padding to 30 MB\n".repeat(250_000)}`;
    const bytes = new TextEncoder().encode(text);
    assert.ok(bytes.length > 30 * 1e6, `${bytes.length} bytes`);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const result = await readCatalog(bytes);
    delay.disable();
    const maxMs = delay.max / 1e6;
    console.log(
      `BOUNDED large-catalog: ${(bytes.length / 1e6).toFixed(1)} MB, ${result.images.length} images; event loop delay max ${maxMs.toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`,
    );
    assert.equal(result.images.length, 199_000);
    assert.ok(maxMs < 100, `the event loop was held ${maxMs.toFixed(0)} ms`);
  });

  test("more than 200,000 images is refused with the documented limit in the message", async () => {
    await assert.rejects(
      readCatalog(new TextEncoder().encode(images(200_001))),
      (error: unknown) => {
        assert.ok(error instanceof CatalogLimitError);
        assert.match(
          error.message,
          /more than 200,000 distinct images, the console's documented limit \(README, POST \/api\/catalog\)/,
        );
        return true;
      },
    );
  });
});

describe("streamed JSON answers", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["empty", {}],
    ["scalars", { a: 1, b: 'x\n"y"', c: null, d: true }],
    ["arrays", { images: [{ ref: "a" }, { ref: "b" }], none: [], holes: [undefined, 1] }],
    ["nested", { format: "plain-list", registries: [{ host: "h", images: 2 }], meta: { x: [1] } }],
    ["undefined members are left out", { a: undefined, b: 2 }],
  ];
  for (const [name, value] of cases) {
    test(name, () => {
      assert.equal([...jsonPieces(value)].join(""), JSON.stringify(value));
    });
  }
});
