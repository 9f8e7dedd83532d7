import { z } from "zod";
import { consoleEnv } from "@/lib/env";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { startPushRun } from "@/lib/registry/push-run";
import { consoleRuns } from "@/lib/runs/console-runs";
import { startedBy } from "@/lib/runs/run-request";

const PushRequestSchema = z
  .strictObject({
    /** a bundle's name in CONSOLE_BUNDLES_DIR (GET /api/registry/bundles) */
    source: z.string().min(1).max(1024).optional(),
    /** or the sha256 of a bundle uploaded with POST /api/registry/bundles */
    upload: z.string().min(1).max(64).optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    dryRun: z.boolean().optional(),
  })
  .refine((body) => (body.source === undefined) !== (body.upload === undefined), {
    message:
      "name the bundle: source (a bundle of the bundles folder) or upload (its sha256), one of them",
    path: ["source"],
  });

/** Starts a push of a bundle as a run (action "push"); follow it with the runs API. */
export const POST = apiRoute(async (request) => {
  const { source, upload, concurrency, dryRun } = PushRequestSchema.parse(await readJson(request));
  const { id } = await startPushRun({
    ...consoleRuns(),
    source: upload === undefined ? { bundle: source ?? "" } : { upload },
    concurrency,
    dryRun,
    bundlesDir: consoleEnv().bundlesDir,
    startedBy: startedBy(request),
  });
  return Response.json({ id }, { status: 202, headers: { location: `/api/runs/${id}` } });
});
