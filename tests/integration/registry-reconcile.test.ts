/**
 * Reconcile against the real registry: the lab bundle pushed under the k0rdent-enterprise prefix
 * holds pause at <prefix>/k8s/pause, where k0s 1.32 never asks. The report names
 * registry.k8s.io/pause:3.9 missing at <prefix>/pause:3.9 with <prefix>/k8s/pause as candidate;
 * the fix copies the manifest there without sending a blob byte, and the report then finds it.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { putRegistrySettings } from "@/lib/inventory/registry-settings";
import { putFleetSettings } from "@/lib/inventory/settings";
import { fixReferences, reconcileReport } from "@/lib/registry/reconcile-service";
import { labInventory } from "../lab/lab-inventory";
import { type LabRun, startLabRun } from "../lab/lab-run";
import { type PushRegistry, startPushRegistry } from "../lab/push-registry";
import { pushLabBundle } from "../lab/pushed-bundle";

const PREFIX = "k0rdent-enterprise";
const PAUSE = "registry.k8s.io/pause:3.9";

let run: LabRun;
let registry: PushRegistry;
const inventory = labInventory("registry-reconcile-");

before(async () => {
  run = await startLabRun();
  registry = await startPushRegistry(run, "plain");
  await pushLabBundle(run, registry.connection, PREFIX);
  // the mirror is the registry itself, in the bundle's prefix layout; k0s 1.32 pulls from both
  const mirror = { address: registry.registry.address ?? "", scheme: "http" as const };
  const registries = ["registry.k8s.io", "quay.io"];
  const layout = { prefix: PREFIX };
  putFleetSettings({
    ...inventory,
    settings: { k0sVersion: "1.32.8", registries, mirror: { ...mirror, layout } },
  });
  putRegistrySettings({ ...inventory, input: { credentials: { kind: "none" } } });
});

after(async () => {
  await registry?.stop();
  run?.dispose();
});

/** Every blob file the registry stores (a blob uploaded by the fix would add one). */
function storedBlobs(): string[] {
  const root = join(registry.registry.storageDir, "docker/registry/v2/blobs/sha256");
  return readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)));
}

test("pause is missing where k0s asks, found at <prefix>/k8s/pause, fixed without an upload", async () => {
  const before = await reconcileReport(inventory);
  assert.equal(before.k0sKnown, true);
  assert.deepEqual(before.architectures, ["amd64"]);
  const pause = before.rows.find((row) => row.image === PAUSE);
  assert.equal(pause?.state, "missing");
  assert.equal(
    pause?.url,
    `http://${registry.registry.address}/v2/${PREFIX}/pause/manifests/3.9?ns=registry.k8s.io`,
  );
  assert.deepEqual(
    pause?.candidates.map((c) => c.repository),
    [`${PREFIX}/k8s/pause`],
  );
  // missing rows come first; coredns (a two-platform index in the bundle) resolves as it is
  assert.equal(before.rows[0]?.state, "missing");
  const coredns = before.rows.find((row) => row.image === "quay.io/k0sproject/coredns:1.12.2");
  assert.equal(coredns?.state, "present");

  const blobs = storedBlobs();
  const [fixed] = await fixReferences(inventory, [PAUSE]);
  assert.equal(fixed?.outcome, "fixed", fixed?.message);
  assert.equal(fixed?.from, `${PREFIX}/k8s/pause`);
  assert.equal(fixed?.digest, pause?.candidates[0]?.digest);
  assert.deepEqual(storedBlobs().sort(), blobs.sort(), "the fix stored no new blob");

  const after = await reconcileReport(inventory);
  const resolved = after.rows.find((row) => row.image === PAUSE);
  assert.equal(resolved?.state, "present");
  assert.equal(resolved?.digest, pause?.candidates[0]?.digest);

  // again: nothing to do; an image nobody requests is named as such
  const again = await fixReferences(inventory, [PAUSE, "docker.io/library/nginx:1"]);
  assert.deepEqual(
    again.map((r) => r.outcome),
    ["already-present", "not-requested"],
  );
  // "all" tries the others: nothing in the registry holds them
  const all = await fixReferences(inventory, "all");
  assert.ok(all.length > 0);
  assert.ok(
    all.every((r) => r.outcome === "no-candidate"),
    JSON.stringify(all[0]),
  );
});
