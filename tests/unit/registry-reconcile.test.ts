import assert from "node:assert/strict";
import { test } from "node:test";
import { renderFleet, SAMPLE_NODE } from "@/lib/fleet/render-fleet";
import { k0sSystemImages, parseListImages } from "@/lib/registry/k0s-images";
import {
  candidateRepositories,
  fleetReferences,
  manifestState,
  plannedRequests,
  requestTarget,
} from "@/lib/registry/reconcile";

/** The bundle's prefix layout over plain HTTP, for the k0s table's registries. */
const mirror = {
  address: "10.0.0.5:5000",
  scheme: "http" as const,
  layout: { prefix: "k0rdent-enterprise" },
};
const settings = {
  k0sVersion: "1.32.8",
  registries: ["registry.k8s.io", "quay.io"],
  mirror,
  catalog: null,
};

test("k0s's system images come from the table for a known version, null otherwise", () => {
  const cases: [string, boolean][] = [
    ["1.32.8", true],
    ["v1.32.8+k0s.0", true],
    ["1.32", false],
    ["1.35.7", false],
    ["not a version", false],
  ];
  for (const [version, known] of cases) {
    assert.equal(k0sSystemImages(version) !== null, known, version);
  }
  assert.ok(k0sSystemImages("1.32.8")?.includes("registry.k8s.io/pause:3.9"));
  assert.deepEqual(parseListImages("a:1\n\n# note\n  b:2  \n"), ["a:1", "b:2"]);
});

test("the fleet's references: k0s first, then the catalog, each once", () => {
  const listed = fleetReferences({
    k0sVersion: "9.9.9",
    k0sImages: ["registry.k8s.io/pause:3.9"],
    catalog: ["registry.k8s.io/pause:3.9", "quay.io/x/y:1", "Not A Ref"],
  });
  assert.equal(listed.k0sKnown, true);
  assert.deepEqual(
    listed.references.map((r) => [r.image, r.source]),
    [
      ["registry.k8s.io/pause:3.9", "k0s"],
      ["quay.io/x/y:1", "catalog"],
    ],
  );
  const unknown = fleetReferences({ k0sVersion: "1.35.7", catalog: ["busybox:1.36"] });
  assert.equal(unknown.k0sKnown, false);
  assert.deepEqual(unknown.references[0]?.locator, {
    registry: "docker.io",
    repository: "library/busybox",
    tag: "1.36",
    digest: null,
  });
  assert.equal(fleetReferences({ k0sVersion: "1.32.8", catalog: [] }).references.length, 9);
});

test("each reference's request through the rendered hosts.toml (prefix layout, ?ns=)", () => {
  const files = renderFleet(settings, [SAMPLE_NODE]).nodes[0]?.files ?? [];
  const { references } = fleetReferences({
    k0sVersion: "0.0.0",
    catalog: ["registry.k8s.io/pause:3.9", "docker.io/library/busybox:1.36"],
  });
  const planned = plannedRequests(references, files);
  assert.deepEqual(planned.requests[0], {
    image: "registry.k8s.io/pause:3.9",
    source: "catalog",
    url: "http://10.0.0.5:5000/v2/k0rdent-enterprise/pause/manifests/3.9?ns=registry.k8s.io",
    repository: "k0rdent-enterprise/pause",
    reference: "3.9",
  });
  // docker.io is not among the mirrored registries: containerd goes upstream, nothing to check
  assert.deepEqual(
    planned.upstream.map((r) => r.image),
    ["docker.io/library/busybox:1.36"],
  );
});

test("a request URL → its repository and reference", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  const cases: [string, { repository: string; reference: string } | null][] = [
    ["http://r:5000/v2/p/pause/manifests/3.9?ns=x", { repository: "p/pause", reference: "3.9" }],
    [`https://r/v2/a/manifests/${digest}`, { repository: "a", reference: digest }],
    ["http://r/v2/a/tags/list", null],
  ];
  for (const [url, expected] of cases) assert.deepEqual(requestTarget(url), expected, url);
});

test("candidates: the same last name elsewhere, same prefix and longest tail first", () => {
  const catalog = [
    "k0rdent-enterprise/pause",
    "other/pause",
    "k0rdent-enterprise/k8s/pause",
    "k0rdent-enterprise/k8s/pause-x",
    "pause",
    "k0rdent-enterprise/coredns",
  ];
  assert.deepEqual(candidateRepositories("k0rdent-enterprise/pause", catalog), [
    "k0rdent-enterprise/k8s/pause",
    "other/pause",
    "pause",
  ]);
  assert.deepEqual(candidateRepositories("pause", catalog), [
    "k0rdent-enterprise/k8s/pause",
    "k0rdent-enterprise/pause",
    "other/pause",
  ]);
  assert.deepEqual(candidateRepositories("x/metrics-server", catalog), []);
});

test("a manifest's state for the fleet's architectures", () => {
  const child = (architecture: string, os = "linux") => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: `sha256:${"b".repeat(64)}`,
    size: 1,
    platform: { os, architecture },
  });
  const cases: [Parameters<typeof manifestState>[0], string[], string, string[]][] = [
    [null, ["amd64"], "missing", []],
    [{ index: false, manifests: [] }, ["amd64", "arm64"], "present", []],
    [{ index: true, manifests: [child("amd64"), child("arm64")] }, ["arm64"], "present", []],
    [{ index: true, manifests: [child("amd64")] }, ["amd64", "arm64"], "wrong-platform", ["arm64"]],
    [
      { index: true, manifests: [child("arm64", "windows")] },
      ["arm64"],
      "wrong-platform",
      ["arm64"],
    ],
  ];
  for (const [found, archs, state, lacking] of cases) {
    assert.deepEqual(manifestState(found, archs), { state, lacking }, `${state} ${archs}`);
  }
});
