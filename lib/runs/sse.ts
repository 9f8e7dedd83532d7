import type { Database } from "@/lib/inventory/db";
import { onShutdown, subscribe } from "./bus";
import { eventsAfter, runStatus } from "./store";
import type { RunEvent } from "./types";

const HEARTBEAT_MS = 15_000;
const PAGE = 5_000;

/**
 * A run's events as Server-Sent Events, starting after `lastEventId`: stored events first, then
 * live ones. It subscribes before replaying and drops ids already sent, so a reconnect resumes
 * with no gap and no duplicate. Ends with an `end` event once the run has finished.
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
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let sent = lastEventId;
      let replaying = true;
      let ended = false;
      const buffered: RunEvent[] = [];
      const write = (text: string) => controller.enqueue(encoder.encode(text));
      // the client may have gone already: closing twice is not an error worth a crash
      const closeQuietly = () => {
        try {
          controller.close();
        } catch {}
      };
      /** the frames of the events not sent yet (and of `node`), marking them all as seen */
      const frames = (events: RunEvent[]) => {
        let text = "";
        for (const event of events) {
          if (event.id <= sent) continue;
          sent = event.id; // another node's event counts as seen too
          if (node === null || event.node === node)
            text += `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
        }
        return text;
      };
      const send = (event: RunEvent) => {
        const text = frames([event]);
        if (text) write(text);
      };
      const end = () => {
        const status = runStatus({ db, id: runId }) ?? "unknown";
        write(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
        cleanup();
        closeQuietly();
      };
      const unsubscribe = subscribe(
        runId,
        (event) => (replaying ? buffered.push(event) : send(event)),
        () => {
          ended = true;
          if (!replaying) end();
        },
      );
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      // closed without `end`: the browser reconnects (to the restarted console) and resumes
      const stopOnShutdown = onShutdown(() => {
        cleanup();
        closeQuietly();
      });
      cleanup = () => {
        stopOnShutdown();
        clearInterval(heartbeat);
        unsubscribe();
        signal.removeEventListener("abort", cleanup);
      };
      signal.addEventListener("abort", cleanup);
      // one write per page, and a turn of the event loop between pages: a 100k-line replay
      // neither floods the stream with tiny chunks nor blocks the server
      // a node's stream replays that node's lines only
      const replay = () =>
        eventsAfter({ db, runId, afterId: sent, node: node ?? undefined, limit: PAGE });
      for (let page = replay(); page.length > 0; ) {
        const text = frames(page);
        if (text) write(text);
        await new Promise((resolve) => setImmediate(resolve));
        if (signal.aborted) return;
        page = replay();
      }
      replaying = false;
      for (const event of buffered) send(event);
      // finished before or while replaying: nothing more will come
      if (ended || runStatus({ db, id: runId }) !== "running") end();
    },
    cancel() {
      cleanup();
    },
  });
}
