import assert from "node:assert/strict";
import { join } from "node:path";
import { RegistryClient, type RegistryConnection } from "@/lib/registry/client";
import { pushBundle } from "@/lib/registry/push";
import { type BundleArtifact, bundleEntries, labBundle, writeBundle } from "./bundle";
import type { LabRun } from "./lab-run";

/** The lab bundle (pause at k8s/pause_3.9.tar among others) pushed under `prefix`, every artifact. */
export async function pushLabBundle(
  run: LabRun,
  connection: RegistryConnection,
  prefix: string,
): Promise<BundleArtifact[]> {
  const artifacts = labBundle();
  const bundlePath = join(run.dir, "airgap-bundle.tar");
  await writeBundle(bundlePath, bundleEntries(artifacts));
  const client = new RegistryClient(connection);
  try {
    const summary = await pushBundle(bundlePath, { client, prefix, concurrency: 3 });
    assert.deepEqual(summary.artifacts.map((a) => a.error?.message).filter(Boolean), []);
  } finally {
    client.close();
  }
  return artifacts;
}
