import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { consoleRuns } from "@/lib/runs/console-runs";
import { getRun } from "@/lib/runs/store";

export const GET = apiRoute(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const run = getRun({ db: consoleRuns().db, id });
  if (!run) throw new HttpError(404, `no run ${id}`);
  return Response.json({ run });
});
