import { consoleEnv } from "@/lib/env";
import { apiRoute } from "@/lib/http/api-route";
import { limitBody } from "@/lib/http/body";
import {
  listUploadedBundles,
  MAX_BUNDLE_BYTES,
  receiveBundle,
} from "@/lib/registry/bundle-uploads";
import { listBundles } from "@/lib/registry/bundles-dir";
import { consoleRuns } from "@/lib/runs/console-runs";

/**
 * The bundles a push may name: the top of CONSOLE_BUNDLES_DIR (none when it is not set), and the
 * bundles uploaded before (by sha256).
 */
export const GET = apiRoute(async () => {
  const { bundlesDir, dataDir } = consoleEnv();
  const bundles = await listBundles(bundlesDir, dataDir);
  return Response.json({
    configured: bundles !== null,
    bundles: bundles ?? [],
    uploads: await listUploadedBundles(consoleRuns().db),
  });
});

/** Uploads a bundle (the body is the file, streamed to the data folder); push it by its sha256. */
export const POST = apiRoute(async (request) => {
  const body = limitBody(request, MAX_BUNDLE_BYTES);
  const upload = await receiveBundle({ db: consoleRuns().db, body });
  return Response.json({ upload }, { status: 201 });
});
