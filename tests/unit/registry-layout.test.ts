import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { archiveImage, layoutImages, planImage, readIndexJson } from "@/lib/registry/layout";
import {
  type Descriptor,
  OCI_INDEX,
  OCI_MANIFEST,
  parseManifest,
} from "@/lib/registry/media-types";

const enc = new TextEncoder();
const digestOf = (bytes: Uint8Array) =>
  `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const blob = (label: string): Descriptor => {
  const bytes = enc.encode(label);
  return { mediaType: "application/octet-stream", digest: digestOf(bytes), size: bytes.length };
};
const doc = (value: unknown) => enc.encode(JSON.stringify(value));

function image(label: string, arch: string) {
  const config = {
    ...blob(`config ${label}`),
    mediaType: "application/vnd.oci.image.config.v1+json",
  };
  const layer = blob(`layer ${label}`);
  const bytes = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
  const descriptor: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest: digestOf(bytes),
    size: bytes.length,
    platform: { os: "linux", architecture: arch },
  };
  return { config, layer, bytes, descriptor };
}

const amd = image("a", "amd64");
const arm = image("b", "arm64");
const indexBytes = doc({
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [amd.descriptor, arm.descriptor],
});
const index: Descriptor = {
  mediaType: OCI_INDEX,
  digest: digestOf(indexBytes),
  size: indexBytes.length,
};
const manifests = new Map([
  [amd.descriptor.digest, amd.bytes],
  [arm.descriptor.digest, arm.bytes],
  [index.digest, indexBytes],
]);
const blobs = new Set([amd.config, amd.layer, arm.config, arm.layer].map((d) => d.digest));
const target = { repository: "p/multi", tag: "1.0" };

describe("push plan of an image", () => {
  test("an index: blobs once, children before the index, every platform", () => {
    const plan = planImage(
      target,
      index,
      (d) => manifests.get(d),
      (d) => blobs.has(d),
    );
    assert.deepEqual(
      plan.manifests.map((m) => m.descriptor.digest),
      [amd.descriptor.digest, arm.descriptor.digest, index.digest],
    );
    assert.equal(plan.blobs.length, 4);
    assert.deepEqual(plan.platforms, ["linux/amd64", "linux/arm64"]);
    const sizes = [amd.config, amd.layer, arm.config, arm.layer].reduce((s, d) => s + d.size, 0);
    assert.equal(plan.totalBytes, sizes + amd.bytes.length + arm.bytes.length + indexBytes.length);
  });

  const failures: [string, () => unknown, RegExp][] = [
    [
      "a blob the archive lacks",
      () =>
        planImage(
          target,
          index,
          (d) => manifests.get(d),
          (d) => d !== arm.layer.digest,
        ),
      new RegExp(
        `manifest ${arm.descriptor.digest} names blob ${arm.layer.digest} .*which the archive lacks`,
      ),
    ],
    [
      "a child manifest the archive lacks",
      () =>
        planImage(
          target,
          index,
          (d) => (d === arm.descriptor.digest ? undefined : manifests.get(d)),
          () => true,
        ),
      new RegExp(
        `index ${index.digest} names manifest ${arm.descriptor.digest}, which the archive lacks`,
      ),
    ],
    [
      "a manifest whose size disagrees",
      () =>
        planImage(
          target,
          { ...index, size: 3 },
          (d) => manifests.get(d),
          () => true,
        ),
      /gives manifest .* a size of 3 bytes/,
    ],
    [
      "a top descriptor that is no manifest",
      () =>
        planImage(
          target,
          amd.layer,
          () => undefined,
          () => true,
        ),
      /not a manifest/,
    ],
  ];
  for (const [name, run, message] of failures) test(name, () => assert.throws(run, message));
});

test("parseManifest: media type from the document or the descriptor; bad input named", () => {
  assert.equal(parseManifest(amd.bytes, "x").blobs.length, 2);
  assert.equal(parseManifest(doc({ manifests: [] }), OCI_INDEX).mediaType, OCI_INDEX);
  assert.throws(() => parseManifest(enc.encode("{"), OCI_MANIFEST), /not valid JSON/);
  assert.throws(
    () => parseManifest(doc({ mediaType: "text/plain" }), OCI_MANIFEST),
    /unknown media type/,
  );
  assert.throws(
    () =>
      parseManifest(
        doc({ mediaType: OCI_MANIFEST, layers: [{ digest: "md5:x", size: 1, mediaType: "m" }] }),
        "",
      ),
    /invalid descriptor in "layers" \(item 1\)/,
  );
});

describe("index.json", () => {
  test("readIndexJson", () => {
    assert.equal(readIndexJson(doc({ manifests: [index] })).length, 1);
    assert.throws(() => readIndexJson(doc({ manifests: [] })), /lists no image/);
    assert.throws(() => readIndexJson(enc.encode("nope")), /not valid JSON/);
  });
  test("archiveImage: the only entry, or the one named by the tag", () => {
    const named = (tag: string) => ({
      ...index,
      annotations: { "org.opencontainers.image.ref.name": tag },
    });
    assert.equal(archiveImage([index], "1.0"), index);
    assert.deepEqual(archiveImage([named("0.9"), named("1.0")], "1.0"), named("1.0"));
    assert.throws(() => archiveImage([named("0.9"), named("0.8")], "1.0"), /lists 2 images/);
  });
  test("layoutImages: names from the annotations, else an error", () => {
    const withName = (annotations: Record<string, string>) => ({ ...index, annotations });
    assert.deepEqual(
      layoutImages(
        [
          withName({
            "io.containerd.image.name": "docker.io/library/busybox:1.36",
            "org.opencontainers.image.ref.name": "1.36",
          }),
          withName({ "org.opencontainers.image.ref.name": "quay.io/k0sproject/coredns:1.12.2" }),
        ],
        "pre",
      ).map((i) => i.target),
      [
        { repository: "pre/library/busybox", tag: "1.36" },
        { repository: "pre/k0sproject/coredns", tag: "1.12.2" },
      ],
    );
    assert.throws(
      () => layoutImages([withName({ "org.opencontainers.image.ref.name": "1.36" })], "pre"),
      /names no image .*only the tag "1.36"/,
    );
  });
});
