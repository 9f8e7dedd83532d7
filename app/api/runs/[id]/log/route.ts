import { apiRoute } from "@/lib/http/api-route";
import { attachment } from "@/lib/http/content-disposition";
import { HttpError } from "@/lib/http/errors";
import { consoleRuns } from "@/lib/runs/console-runs";
import { eventsAfter, runStatus } from "@/lib/runs/store";

const PAGE = 5_000;

/** The run's log as JSON lines (one event per line), for one node with ?node=; streamed page by page. */
export const GET = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { db } = consoleRuns();
  if (runStatus({ db, id }) === null) throw new HttpError(404, `no run ${id}`);
  const node = new URL(request.url).searchParams.get("node") ?? undefined;
  const encoder = new TextEncoder();
  let after = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const page = eventsAfter({ db, runId: id, afterId: after, node, limit: PAGE });
      if (page.length === 0) return controller.close();
      after = page.at(-1)?.id ?? after;
      controller.enqueue(
        encoder.encode(page.map((event) => `${JSON.stringify(event)}\n`).join("")),
      );
    },
  });
  const name = `run-${id}${node ? `-${node}` : ""}.jsonl`;
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson",
      "content-disposition": attachment(name),
      "cache-control": "no-store",
    },
  });
});
