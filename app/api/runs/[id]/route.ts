import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { listNodes } from "@/lib/inventory/nodes";
import { clustersUp, markResets } from "@/lib/runs/cluster-end";
import { consoleRuns } from "@/lib/runs/console-runs";
import { getRun, latestK0sRunSince, latestProgress } from "@/lib/runs/store";

export const GET = apiRoute(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { db } = consoleRuns();
  const run = getRun({ db, id });
  if (!run) throw new HttpError(404, `no run ${id}`);
  // an apply's end state: the clusters it brought up (their kubeconfig is at …/kubeconfig), and
  // which of them a later reset took down
  const clusters = markResets(clustersUp(run, listNodes({ db })), (node) =>
    latestK0sRunSince({ db, node, after: id }),
  );
  // each item's progress so far (a push's artifacts): the stream goes on after lastEventId
  const progress = latestProgress({ db, runId: id, upTo: run.lastEventId });
  return Response.json({ run: { ...run, clusters, progress } });
});
