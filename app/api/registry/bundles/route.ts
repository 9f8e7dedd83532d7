import { consoleEnv } from "@/lib/env";
import { apiRoute } from "@/lib/http/api-route";
import { listBundles } from "@/lib/registry/bundles-dir";

/** The bundles a push may name: the top of CONSOLE_BUNDLES_DIR (empty when it is not set). */
export const GET = apiRoute(async () => {
  const dir = consoleEnv().bundlesDir;
  return Response.json({ configured: dir !== undefined, bundles: await listBundles(dir) });
});
