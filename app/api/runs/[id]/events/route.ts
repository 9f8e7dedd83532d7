import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { consoleRuns } from "@/lib/runs/console-runs";
import { runEventStream } from "@/lib/runs/sse";
import { runStatus } from "@/lib/runs/store";

/** Server-Sent Events; honours Last-Event-ID (or ?after=) so a reconnect resumes exactly. */
export const GET = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { db } = consoleRuns();
  if (runStatus({ db, id }) === null) throw new HttpError(404, `no run ${id}`);
  const url = new URL(request.url);
  const lastEventId =
    Number(request.headers.get("last-event-id") ?? url.searchParams.get("after") ?? 0) || 0;
  const stream = runEventStream({
    db,
    runId: id,
    lastEventId,
    node: url.searchParams.get("node"),
    signal: request.signal,
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    },
  });
});
