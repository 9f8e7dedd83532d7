import { apiRoute } from "@/lib/http/api-route";
import { attachment } from "@/lib/http/content-disposition";
import { consoleRuns } from "@/lib/runs/console-runs";
import { adminKubeconfig, clusterOfRun } from "@/lib/runs/kubeconfig";

/**
 * The admin kubeconfig of the cluster this apply brought up (`?node=` a controller of it, the
 * first by default), read from the controller now; a secret: never stored, never cached.
 */
export const GET = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { db, key } = consoleRuns();
  const node = new URL(request.url).searchParams.get("node") || undefined;
  const cluster = clusterOfRun(db, id, node);
  const kubeconfig = await adminKubeconfig({ db, key, cluster });
  return new Response(kubeconfig, {
    headers: {
      "content-type": "application/yaml; charset=utf-8",
      "content-disposition": attachment(`kubeconfig-${cluster.controller}.yaml`),
      "cache-control": "no-store",
    },
  });
});
