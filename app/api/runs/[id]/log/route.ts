import { apiRoute } from "@/lib/http/api-route";
import { attachment } from "@/lib/http/content-disposition";
import { HttpError } from "@/lib/http/errors";
import { consoleRuns } from "@/lib/runs/console-runs";
import { findEvents } from "@/lib/runs/log-query";
import { eventText, logFileName, parseLogQuery } from "@/lib/runs/log-text";
import { runStatus } from "@/lib/runs/store";

const PAGE = 5_000;

/**
 * The run's log as JSON lines (one event per line) or plain text (`?format=text`), optionally only
 * one node's (`?node=`), one stream's (`?stream=stderr`) or the lines containing `?q=`; streamed
 * page by page.
 */
export const GET = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { db } = consoleRuns();
  if (runStatus({ db, id }) === null) throw new HttpError(404, `no run ${id}`);
  const query = parseLogQuery(new URL(request.url).searchParams);
  const text = query.format === "text";
  const encoder = new TextEncoder();
  let after = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const page = findEvents({ db, runId: id, filter: query, afterId: after, limit: PAGE });
      if (page.length === 0) return controller.close();
      after = page.at(-1)?.id ?? after;
      const lines = page.map((event) => (text ? eventText(event) : `${JSON.stringify(event)}\n`));
      controller.enqueue(encoder.encode(lines.join("")));
    },
  });
  return new Response(body, {
    headers: {
      "content-type": text ? "text/plain; charset=utf-8" : "application/x-ndjson",
      "content-disposition": attachment(logFileName(id, query)),
      "cache-control": "no-store",
    },
  });
});
