import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import {
  DOCKER_CONFIG,
  DOCKER_LAYER_TAR,
  dockerArchiveImages,
} from "@/lib/registry/docker-archive";
import { DOCKER_MANIFEST } from "@/lib/registry/media-types";

const enc = new TextEncoder();
const digest = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const layerDigest = `sha256:${"1".repeat(64)}`;
const config = enc.encode(JSON.stringify({ rootfs: { type: "layers", diff_ids: [layerDigest] } }));
const files = new Map([["c.json", config]]);
const sizes = new Map([["l1/layer.tar", 3072]]);
const manifest = (entries: unknown) => enc.encode(JSON.stringify(entries));
const good = {
  Config: "c.json",
  RepoTags: ["busybox:1.36", "quay.io/x/y:2"],
  Layers: ["l1/layer.tar"],
};

describe("docker save (Docker < 25) → Docker v2 manifests", () => {
  test("one manifest per RepoTag, config and layer digests kept", () => {
    const images = dockerArchiveImages(manifest([good]), files, sizes, "pre");
    assert.deepEqual(
      images.map((i) => i.target),
      [
        { repository: "pre/library/busybox", tag: "1.36" },
        { repository: "pre/x/y", tag: "2" },
      ],
    );
    const [first] = images;
    assert.ok(first);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(first.manifest)), {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, size: config.length, digest: digest(config) },
      layers: [{ mediaType: DOCKER_LAYER_TAR, size: 3072, digest: layerDigest }],
    });
    assert.equal(first.descriptor.digest, digest(first.manifest));
    assert.deepEqual(first.layers, [{ path: "l1/layer.tar", digest: layerDigest, size: 3072 }]);
  });

  const failures: [string, unknown, Map<string, Uint8Array>, RegExp][] = [
    ["not JSON", "{", files, /manifest\.json is not valid JSON/],
    ["empty", [], files, /lists no image/],
    ["no config", [{ ...good, Config: undefined }], files, /entry 1 names no config file/],
    [
      "config missing",
      [{ ...good, Config: "x.json" }],
      files,
      /names config x\.json, which the archive lacks/,
    ],
    [
      "layer missing",
      [{ ...good, Layers: ["l2/layer.tar"] }],
      files,
      /names layer l2\/layer\.tar, which the archive lacks/,
    ],
    [
      "layer count",
      [{ ...good, Layers: [] }],
      files,
      /lists 0 layers; its config c\.json has 1 diff_ids/,
    ],
    [
      "bad diff_ids",
      [good],
      new Map([["c.json", enc.encode('{"rootfs":{"diff_ids":["md5:1"]}}')]]),
      /no valid rootfs\.diff_ids/,
    ],
    ["no RepoTags", [{ ...good, RepoTags: [] }], files, /\(c\.json\) has no RepoTags/],
    ["bad RepoTag", [{ ...good, RepoTags: ["Bad/Name:1"] }], files, /is not an image reference/],
  ];
  for (const [name, entries, configFiles, message] of failures) {
    test(name, () => {
      const bytes = typeof entries === "string" ? enc.encode(entries) : manifest(entries);
      assert.throws(() => dockerArchiveImages(bytes, configFiles, sizes, "pre"), message);
    });
  }
});

test("the pure parts of lib/registry import no node:* (nor code that does)", () => {
  const pure = [
    "auth-header",
    "reference",
    "media-types",
    "layout",
    "errors",
    "docker-archive",
    "oci-archive",
  ];
  for (const name of pure) {
    const source = readFileSync(path.join(__dirname, "../../lib/registry", `${name}.ts`), "utf8");
    assert.doesNotMatch(source, /from "node:/, name);
    for (const [, local] of source.matchAll(/from "\.\/([a-z-]+)"/g)) {
      assert.ok(pure.includes(local ?? ""), `${name} imports ./${local}, which is not pure`);
    }
  }
});
