/**
 * The real proof of reconcile: a containerd 1.6 in the airgapped lab namespace, configured with
 * the rendered prefix-layout files, asks for registry.k8s.io/pause:3.9 at <prefix>/pause:3.9. The
 * bundle pushed into the mirror holds it at <prefix>/k8s/pause: the pull fails. After the fix
 * (manifest copied inside the registry) the same pull succeeds, served the bundle's own image.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { putRegistrySettings } from "@/lib/inventory/registry-settings";
import { putFleetSettings } from "@/lib/inventory/settings";
import { parseManifest } from "@/lib/registry/media-types";
import { fixReferences, reconcileReport } from "@/lib/registry/reconcile-service";
import { render } from "@/lib/render";
import type { BundleArtifact } from "../lab/bundle";
import { freePort } from "../lab/console-server";
import type { ContainerdSandbox } from "../lab/containerd";
import { labInventory } from "../lab/lab-inventory";
import { type MirrorLab, startMirrorLab } from "../lab/mirror-lab";
import { pushLabBundle } from "../lab/pushed-bundle";
import { type Registry, startRegistry } from "../lab/registry";

const PREFIX = "k0rdent-enterprise";
const PAUSE = "registry.k8s.io/pause:3.9";
const REGISTRIES = ["registry.k8s.io", "quay.io"];

let lab: MirrorLab;
/** the mirror's storage served in the root namespace too: how the console reaches it here */
let twin: Registry;
let ctd: ContainerdSandbox;
let pause: BundleArtifact;
const inventory = labInventory("mirror-pull-reconcile-");

before(async () => {
  lab = await startMirrorLab([]);
  twin = await startRegistry({
    name: "twin of the mirror",
    dir: lab.run.mkdir("twin-registry"),
    storageDir: lab.registry.storageDir,
    listen: { tcp: `127.0.0.1:${await freePort()}` },
  });
  const artifacts = await pushLabBundle(lab.run, { url: `http://${twin.address}` }, PREFIX);
  const found = artifacts.find((a) => a.entry === "k8s/pause_3.9.tar");
  assert.ok(found, "the lab bundle holds k8s/pause_3.9.tar");
  pause = found;
  // nodes reach the mirror at lab.mirrorAddress; the console reaches the same storage at the twin
  const layout = { prefix: PREFIX };
  const mirror = { address: lab.mirrorAddress, scheme: "http" as const, layout };
  putFleetSettings({
    ...inventory,
    settings: { k0sVersion: "1.32.8", registries: REGISTRIES, mirror },
  });
  putRegistrySettings({
    ...inventory,
    input: { address: twin.address ?? "", scheme: "http", credentials: { kind: "none" } },
  });
  const files = render({ k0sVersion: "1.32.8", registries: REGISTRIES, mirror }).nodes[0]?.files;
  assert.ok(files);
  const containerdFiles = files.filter((f) => f.path.startsWith("/etc/k0s/containerd.d/"));
  ctd = await lab.startContainerd("ctd-reconcile", containerdFiles, { sandboxImage: PAUSE });
});

after(async () => {
  await ctd?.stop();
  await twin?.stop();
  await lab?.stop();
});

test("containerd cannot pull pause before the fix, and pulls the bundle's pause after it", async () => {
  const request = `http://${lab.mirrorAddress}/v2/${PREFIX}/pause/manifests/3.9?ns=registry.k8s.io`;
  const failed = await ctd.pullImage(PAUSE);
  assert.equal(failed.ok, false, "pause pulled before the fix");
  assert.ok(ctd.pullLog(PAUSE).includes(`url="${request}"`), ctd.pullTrace(PAUSE));

  const report = await reconcileReport(inventory);
  const row = report.rows.find((r) => r.image === PAUSE);
  assert.equal(row?.state, "missing");
  assert.equal(row?.url, request);
  const [fixed] = await fixReferences(inventory, [PAUSE]);
  assert.equal(fixed?.outcome, "fixed", fixed?.message);

  const pulled = await ctd.pullImage(PAUSE);
  assert.ok(pulled.ok, `pull after the fix: ${pulled.grpcMessage}\n${ctd.pullTrace(PAUSE)}`);
  const manifest = pause.blobs.get(pause.top.digest);
  assert.ok(manifest);
  const config = parseManifest(manifest, pause.top.mediaType).blobs[0]?.digest;
  assert.equal(pulled.imageRef, config, "containerd was served the bundle's pause image");
});
