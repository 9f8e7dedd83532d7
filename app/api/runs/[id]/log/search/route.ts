import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { consoleRuns } from "@/lib/runs/console-runs";
import { countEvents, findEvents } from "@/lib/runs/log-query";
import { parseLogQuery } from "@/lib/runs/log-text";
import { runStatus } from "@/lib/runs/store";

const DEFAULT_LIMIT = 500;

/**
 * Searches every stored line of a run (`?q=` text, `?node=`, `?stream=`), a page at a time:
 * `{events, total, next}` — `next` is the `after` of the following page, null after the last.
 */
export const GET = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { db } = consoleRuns();
  if (runStatus({ db, id }) === null) throw new HttpError(404, `no run ${id}`);
  const query = parseLogQuery(new URL(request.url).searchParams);
  const limit = query.limit ?? DEFAULT_LIMIT;
  const page = findEvents({ db, runId: id, filter: query, afterId: query.after, limit: limit + 1 });
  const events = page.slice(0, limit);
  const total = countEvents({ db, runId: id, filter: query });
  const next = page.length > limit ? (events.at(-1)?.id ?? null) : null;
  return Response.json({ events, total, next });
});
