import { apiRoute } from "@/lib/http/api-route";
import { readOptionalJson } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";
import { consoleRuns } from "@/lib/runs/console-runs";
import { type StartRunRequest, startRun } from "@/lib/runs/executor";
import { RunOptionsSchema, startedBy } from "@/lib/runs/run-request";
import { getRun } from "@/lib/runs/store";

/**
 * A new run of the same action on the nodes that did not succeed. Apply's stages are idempotent
 * (identical files are skipped, a running k0s is not reinstalled), so each node picks up at the
 * stage that failed.
 */
export const POST = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const inventory = consoleRuns();
  const run = getRun({ db: inventory.db, id });
  if (!run) throw new HttpError(404, `no run ${id}`);
  if (run.status === "running") throw new HttpError(409, `run ${id} is still running`);
  if (run.action === "push")
    throw new HttpError(
      409,
      `run ${id} is a push: push the bundle again (POST /api/registry/push), it skips what the registry has`,
    );
  const nodes = run.nodes.filter((node) => node.state !== "succeeded").map((node) => node.node);
  if (nodes.length === 0)
    throw new HttpError(409, `every node of run ${id} succeeded: nothing to retry`);
  const body = RunOptionsSchema.parse(await readOptionalJson(request));
  // the first run's options, unless the retry says otherwise
  const { fromRun, k0sBinaries, k0sBinary, concurrency, stageTimeoutSeconds, overrideReadiness } =
    run.inputs as {
      fromRun?: string;
      k0sBinaries?: StartRunRequest["k0sBinaries"];
      /** runs recorded before binaries were per architecture */
      k0sBinary?: string;
      concurrency?: number;
      stageTimeoutSeconds?: number;
      overrideReadiness?: { reason: string; nodes: string[] };
    };
  const retry = startRun({
    ...inventory,
    concurrency,
    stageTimeoutSeconds,
    overrideReadiness,
    ...body,
    action: run.action,
    nodes,
    fromRun,
    ...(k0sBinaries ? { k0sBinaries } : { k0sBinary }),
    retryOf: id,
    startedBy: startedBy(request),
  });
  return Response.json(
    { id: retry.id, nodes },
    { status: 202, headers: { location: `/api/runs/${retry.id}` } },
  );
});
