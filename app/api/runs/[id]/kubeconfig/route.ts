import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { readOptionalJson } from "@/lib/http/body";
import { attachment } from "@/lib/http/content-disposition";
import { SudoPasswordSchema } from "@/lib/inventory/schema";
import { consoleRuns } from "@/lib/runs/console-runs";
import { adminKubeconfig, clusterOfRun } from "@/lib/runs/kubeconfig";

type Params = { params: Promise<{ id: string }> };

/** For a controller whose sudo password is asked at run time: the password, in the body only. */
const KubeconfigRequestSchema = z.strictObject({
  node: z.string().min(1).max(253).optional(),
  sudoPassword: SudoPasswordSchema.optional(),
});

/**
 * The admin kubeconfig of the cluster this apply brought up (`?node=` a controller of it, the
 * first by default), read from the controller now; a secret: never stored, never cached.
 */
export const GET = apiRoute(async (request, { params }: Params) => {
  const node = new URL(request.url).searchParams.get("node") || undefined;
  return kubeconfigResponse((await params).id, node);
});

/** The same, with `{node, sudoPassword}` in the body: the password is used for this read only. */
export const POST = apiRoute(async (request, { params }: Params) => {
  const body = KubeconfigRequestSchema.parse(await readOptionalJson(request));
  return kubeconfigResponse((await params).id, body.node, body.sudoPassword);
});

async function kubeconfigResponse(
  id: string,
  node: string | undefined,
  sudoPassword?: string,
): Promise<Response> {
  const { db, key } = consoleRuns();
  const cluster = clusterOfRun(db, id, node);
  const kubeconfig = await adminKubeconfig({ db, key, cluster, sudoPassword });
  return new Response(kubeconfig, {
    headers: {
      "content-type": "application/yaml; charset=utf-8",
      "content-disposition": attachment(`kubeconfig-${cluster.controller}.yaml`),
      "cache-control": "no-store",
    },
  });
}
