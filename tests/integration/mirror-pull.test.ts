/**
 * The renderer's containerd files, written at their real paths on a sandboxed containerd 1.6
 * (merged the k0s ≤ 1.35 way), must make CRI pulls go to the local mirror for every layout —
 * in an airgapped network namespace where any upstream fallback fails at once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { render } from "@/lib/render";
import type { MirrorLayout, RenderedFile } from "@/lib/render/types";
import type { ContainerdSandbox } from "../lab/containerd";
import { COMMON_PREFIX, splitRepoTag } from "../lab/images";
import { type MirrorLab, startMirrorLab } from "../lab/mirror-lab";

const K0S_VERSION = "1.32.8";
const SANDBOX_IMAGE = "registry.k8s.io/pause:3.9"; // k0s 1.32's pause image
const REGISTRIES = ["registry.k8s.io", "quay.io", "docker.io"];
const CONTAINERD_D = "/etc/k0s/containerd.d/";
/** each suite normally takes well under a second; the timeout only stops a hang */
const SUITE = { timeout: 45_000 };

interface Pull {
  ref: string;
  registry: string;
  /** repository:tag below the registry host */
  path: string;
}

const PULLS: Pull[] = [
  { ref: "registry.k8s.io/pause:3.9", registry: "registry.k8s.io", path: "pause:3.9" },
  { ref: "quay.io/calico/node:v3.29.4", registry: "quay.io", path: "calico/node:v3.29.4" },
  { ref: "docker.io/library/busybox:1.36", registry: "docker.io", path: "library/busybox:1.36" },
];

const LAYOUTS: { name: string; layout: MirrorLayout }[] = [
  { name: "flat", layout: "flat" },
  { name: "per-registry", layout: "per-registry" },
  { name: `prefix ${COMMON_PREFIX}`, layout: { prefix: COMMON_PREFIX } },
];

/** Where the lab seeded the image for a layout: the test's own oracle, not the renderer's. */
function seededPath(pull: Pull, layout: MirrorLayout): string {
  if (layout === "flat") return pull.path;
  if (layout === "per-registry") return `${pull.registry}/${pull.path}`;
  return `${layout.prefix}/${pull.path}`;
}

let lab: MirrorLab;

before(async () => {
  lab = await startMirrorLab();
});

after(async () => {
  await lab?.stop();
});

/** The drop-in and certs.d files the renderer gives the (default) node. */
function renderedContainerdFiles(layout: MirrorLayout): RenderedFile[] {
  const result = render({
    k0sVersion: K0S_VERSION,
    registries: REGISTRIES,
    mirror: { address: lab.mirrorAddress, scheme: "http", layout },
  });
  assert.equal(result.configLine, "v2");
  const node = result.nodes[0];
  assert.ok(node, "the renderer returned no node");
  const files = node.files.filter((file) => file.path.startsWith(CONTAINERD_D));
  for (const registry of REGISTRIES) {
    assert.ok(
      files.some((file) => file.path === `${CONTAINERD_D}certs.d/${registry}/hosts.toml`),
      `no hosts.toml for ${registry}`,
    );
  }
  return files;
}

async function assertPulledViaMirror(ctd: ContainerdSandbox, pull: Pull, layout: MirrorLayout) {
  const seeded = seededPath(pull, layout);
  const expected = lab.seeded.get(seeded);
  assert.ok(expected, `the lab did not seed ${seeded}`);
  const result = await ctd.pullImage(pull.ref);
  const context = `\n--- containerd on ${pull.ref} ---\n${ctd.pullTrace(pull.ref)}`;
  assert.ok(
    result.ok,
    `pull ${pull.ref} failed (grpc ${result.grpcStatus}): ${result.grpcMessage}${context}`,
  );
  // Every seeded path holds a different image, so the image ID proves which path was used.
  assert.equal(
    result.imageRef,
    expected.configDigest,
    `${pull.ref} was not served from ${seeded}${context}`,
  );

  const log = ctd.pullLog(pull.ref);
  const { repo, tag } = splitRepoTag(seeded);
  assert.match(
    log,
    /msg=resolved .*host="127\.0\.0\.1:5000"/,
    `no "resolved" via the mirror${context}`,
  );
  const url = `http://${lab.mirrorAddress}/v2/${repo}/manifests/${tag}?ns=${pull.registry}`;
  assert.ok(log.includes(`url="${url}"`), `containerd did not request ${url}${context}`);
  assert.doesNotMatch(log, /trying next host/, `containerd tried another host${context}`);
}

for (const { name, layout } of LAYOUTS) {
  describe(`layout ${name}: containerd pulls through the mirror`, SUITE, () => {
    let ctd: ContainerdSandbox;

    before(async () => {
      // A fresh containerd (own tmpfs root) per layout, so nothing is cached between layouts.
      const files = renderedContainerdFiles(layout);
      const options = { sandboxImage: SANDBOX_IMAGE };
      ctd = await lab.startContainerd(`ctd-${name.replace(/\W+/g, "-")}`, files, options);
    });

    after(async () => {
      await ctd?.stop();
    });

    test("k0s merges the CRI drop-in into containerd-cri.toml", () => {
      assert.deepEqual(ctd.config.mergedDropIns, [`${CONTAINERD_D}cri-registry.toml`]);
      const plugins = ctd.config.criDocument.plugins as Record<
        string,
        { registry?: { config_path?: string } }
      >;
      assert.equal(
        plugins["io.containerd.grpc.v1.cri"]?.registry?.config_path,
        "/etc/k0s/containerd.d/certs.d",
      );
    });

    for (const pull of PULLS) {
      test(`pulls ${pull.ref}`, () => assertPulledViaMirror(ctd, pull, layout));
    }
  });
}

describe("without quay.io's hosts.toml, only quay.io pulls fail", SUITE, () => {
  const quay = PULLS.find((pull) => pull.registry === "quay.io");
  assert.ok(quay);
  let ctd: ContainerdSandbox;

  before(async () => {
    ctd = await lab.startContainerd("ctd-no-quay", renderedContainerdFiles("flat"), {
      sandboxImage: SANDBOX_IMAGE,
    });
    // containerd reads certs.d on every pull, so removing the file now takes effect at once.
    ctd.removeFile(`${CONTAINERD_D}certs.d/quay.io/hosts.toml`);
  });

  after(async () => {
    await ctd?.stop();
  });

  test(`pulling ${quay.ref} fails: containerd goes upstream, which is unreachable`, async () => {
    const result = await ctd.pullImage(quay.ref);
    assert.equal(result.ok, false, `pull of ${quay.ref} unexpectedly succeeded`);
    assert.match(result.grpcMessage, /https:\/\/quay\.io\/v2\/calico\/node\/manifests\/v3\.29\.4/);
    assert.doesNotMatch(ctd.pullLog(quay.ref), /127\.0\.0\.1:5000/, "the mirror was used anyway");
  });

  for (const pull of PULLS.filter((p) => p !== quay)) {
    test(`still pulls ${pull.ref}`, () => assertPulledViaMirror(ctd, pull, "flat"));
  }
});
