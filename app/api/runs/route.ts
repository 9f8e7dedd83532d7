import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleRuns } from "@/lib/runs/console-runs";
import { startRun } from "@/lib/runs/executor";
import { StartRunSchema, startedBy } from "@/lib/runs/run-request";
import { listRuns } from "@/lib/runs/store";

export const POST = apiRoute(async (request) => {
  const body = StartRunSchema.parse(await readJson(request));
  const { id } = startRun({ ...consoleRuns(), ...body, startedBy: startedBy(request) });
  return Response.json({ id }, { status: 202, headers: { location: `/api/runs/${id}` } });
});

export const GET = apiRoute(async () => Response.json({ runs: listRuns(consoleRuns()) }));
