import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { listNodes } from "@/lib/inventory/nodes";
import { clustersUp } from "@/lib/runs/cluster-end";
import { consoleRuns } from "@/lib/runs/console-runs";
import { getRun } from "@/lib/runs/store";

export const GET = apiRoute(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { db } = consoleRuns();
  const run = getRun({ db, id });
  if (!run) throw new HttpError(404, `no run ${id}`);
  // an apply's end state: the clusters it brought up (their kubeconfig is at …/kubeconfig)
  return Response.json({ run: { ...run, clusters: clustersUp(run, listNodes({ db })) } });
});
