import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { consoleRuns } from "@/lib/runs/console-runs";
import { cancelRun } from "@/lib/runs/executor";
import { runStatus } from "@/lib/runs/store";

export const POST = apiRoute(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const status = runStatus({ db: consoleRuns().db, id });
  if (status === null) throw new HttpError(404, `no run ${id}`);
  if (!cancelRun(id)) throw new HttpError(409, `run ${id} is not running (${status})`);
  return Response.json({ id, cancelling: true }, { status: 202 });
});
