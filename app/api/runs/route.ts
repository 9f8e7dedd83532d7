import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleRuns } from "@/lib/runs/console-runs";
import { startRun } from "@/lib/runs/executor";
import { listRuns } from "@/lib/runs/store";

const Body = z.object({
  action: z.enum(["plan"]),
  nodes: z.union([z.literal("all"), z.array(z.string()).min(1).max(5000)]),
  /** for nodes whose sudo mode is "ask": used by this run, never stored */
  sudoPasswords: z.record(z.string(), z.string().max(1024)).optional(),
  concurrency: z.number().int().min(1).max(200).optional(),
});

export const POST = apiRoute(async (request) => {
  const body = Body.parse(await readJson(request));
  const startedBy = request.headers.get("authorization")
    ? "API (console token)"
    : "browser session";
  const { id } = startRun({ ...consoleRuns(), ...body, startedBy });
  return Response.json({ id }, { status: 202, headers: { location: `/api/runs/${id}` } });
});

export const GET = apiRoute(async () => Response.json({ runs: listRuns(consoleRuns()) }));
