import type { Database } from "@/lib/inventory/db";
import { onShutdown, subscribe } from "./bus";
import { eventsAfter, runStatus } from "./store";
import { inTurn, takeStreamSlot } from "./stream-limits";
import type { RunEvent } from "./types";

const HEARTBEAT_MS = 15_000;
/** lines per read of the store: one page is all a stream ever holds for a slow client */
export const PAGE_LINES = 500;

/**
 * A run's events as Server-Sent Events, starting after `lastEventId`. Pull-based: each time the
 * client can take more, the next page of stored lines after the last id sent is read from the
 * store; only when caught up does it wait for the bus. A client that stops reading is simply no
 * longer read for (nothing piles up for it) and resumes from the store when it reads again.
 * Ends with an `end` event once the run has finished. Throws a 429/503 HttpError beyond the
 * stream limits (lib/runs/stream-limits.ts).
 */
export function runEventStream({
  db,
  runId,
  lastEventId,
  node,
  signal,
}: {
  db: Database;
  runId: string;
  lastEventId: number;
  node: string | null;
  signal: AbortSignal;
}): ReadableStream<Uint8Array> {
  const release = takeStreamSlot(runId);
  const encoder = new TextEncoder();
  let sent = lastEventId;
  let closed = false;
  let ended = false;
  let shuttingDown = false;
  let heartbeatDue = false;
  /** wakes the pull that waits for live lines (or the end, a heartbeat, a shutdown, an abort) */
  let wake = () => {};
  const unsubscribe = subscribe(
    runId,
    () => wake(),
    () => {
      ended = true;
      wake();
    },
  );
  // closed without `end`: the browser reconnects (to the restarted console) and resumes
  const stopOnShutdown = onShutdown(() => {
    shuttingDown = true;
    wake();
  });
  const heartbeat = setInterval(() => {
    heartbeatDue = true;
    wake();
  }, HEARTBEAT_MS);
  const cleanup = () => {
    if (closed) return;
    closed = true;
    release();
    stopOnShutdown();
    clearInterval(heartbeat);
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
    wake();
  };
  const onAbort = () => cleanup();
  signal.addEventListener("abort", onAbort);

  /** the next page's frames, or null when caught up */
  const nextPage = (): Uint8Array | null => {
    const page = readPage(db, runId, node, sent);
    if (page === null) return null;
    sent = page.lastId;
    return page.bytes;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const finish = (text: string) => {
          if (text) controller.enqueue(encoder.encode(text));
          cleanup();
          controller.close();
        };
        for (;;) {
          if (closed) return;
          const page = await inTurn(nextPage);
          if (closed) return;
          if (page !== null) {
            controller.enqueue(page);
            return;
          }
          if (shuttingDown) return finish("");
          // finished before or while reading: everything stored has been sent
          if (ended || runStatus({ db, id: runId }) !== "running") {
            const status = runStatus({ db, id: runId }) ?? "unknown";
            return finish(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
          }
          heartbeatDue = false; // only a keep-alive due while waiting counts
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = () => {};
          if (heartbeatDue) {
            heartbeatDue = false;
            controller.enqueue(encoder.encode(": keep-alive\n\n"));
            return;
          }
        }
      },
      cancel() {
        cleanup();
      },
    },
    // one page waiting at most: the client's socket buffers hold the rest of what it has not read
    { highWaterMark: 1 },
  );
}

interface Page {
  bytes: Uint8Array;
  lastId: number;
}

/** full pages recently sent, per database: 200 clients replaying one log read each page once */
const pageCache = new WeakMap<Database, Map<string, Page>>();
const CACHED_PAGES = 128;

/**
 * The frames of the next PAGE_LINES events after `afterId` (a node's stream: that node's lines
 * only), or null when there are none. A full page never changes (new lines get higher ids), so
 * it is kept for the next client that asks for it.
 */
function readPage(db: Database, runId: string, node: string | null, afterId: number): Page | null {
  let cache = pageCache.get(db);
  if (cache === undefined) {
    cache = new Map();
    pageCache.set(db, cache);
  }
  const key = `${runId}\0${node ?? ""}\0${afterId}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const events = eventsAfter({ db, runId, afterId, node: node ?? undefined, limit: PAGE_LINES });
  const last = events.at(-1);
  if (last === undefined) return null;
  const page = { bytes: pageEncoder.encode(events.map(frame).join("")), lastId: last.id };
  if (events.length === PAGE_LINES) {
    cache.set(key, page);
    // oldest first out: a Map iterates in insertion order
    if (cache.size > CACHED_PAGES) cache.delete(cache.keys().next().value ?? key);
  }
  return page;
}
const pageEncoder = new TextEncoder();

function frame(event: RunEvent): string {
  return `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
}
