/**
 * Bundle reading, as a dry run (no registry): every target reference of every accepted shape,
 * and each bad bundle refused with the artifact named.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { RegistryError } from "@/lib/registry/errors";
import { pushBundle } from "@/lib/registry/push";
import type { PushEvent } from "@/lib/registry/push-events";
import {
  bundleEntries,
  dockerSaveLegacy,
  extractEntries,
  imageArtifact,
  type LayoutImage,
  labBundle,
  ociArchive,
  ociLayoutEntries,
  writeBundle,
} from "../lab/bundle";
import { TAR_END, tarEntry } from "../lab/oci-image";

const dir = mkdtempSync(join(tmpdir(), "registry-bundle-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const artifacts = labBundle();
const PREFIX = "k0rdent-enterprise";
const expected = artifacts.map((a) => `${PREFIX}/${a.path}:${a.tag}`).sort();

async function plan(path: string, events: PushEvent[] = []) {
  return pushBundle(path, { prefix: PREFIX, onEvent: (e) => events.push(e) });
}

function planned(summary: Awaited<ReturnType<typeof plan>>) {
  return summary.artifacts
    .filter((a) => a.state === "planned")
    .map((a) => a.reference ?? "")
    .sort();
}

describe("the k0rdent Enterprise layout", () => {
  for (const name of ["bundle.tar.gz", "bundle.tar"]) {
    test(`${name}: every file's target under the prefix, split at the last _, digests kept`, async () => {
      const path = join(dir, name);
      await writeBundle(path, bundleEntries(artifacts));
      const events: PushEvent[] = [];
      const summary = await plan(path, events);
      assert.deepEqual(planned(summary), expected);
      assert.equal(summary.failed, 0);
      const coredns = summary.artifacts.find((a) => a.artifact === "k0sproject/coredns_1.12.2.tar");
      assert.deepEqual(coredns?.platforms, ["linux/amd64", "linux/arm64"]);
      for (const a of artifacts) {
        assert.equal(
          summary.artifacts.find((r) => r.artifact === a.entry)?.digest,
          a.top.digest,
          a.entry,
        );
      }
      assert.ok(events.some((e) => e.type === "artifact" && e.state === "queued"));
      assert.equal(summary.readBytes, summary.totalBytes);
    });
  }

  test("a directory of <name>_<tag>.tar files", async () => {
    const root = join(dir, "extracted");
    for (const { name, data } of bundleEntries(artifacts)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), data);
    }
    writeFileSync(join(root, "README.txt"), "not an artifact");
    assert.deepEqual(planned(await plan(root)), expected);
  });

  test("index.json first works the same", async () => {
    const path = join(dir, "index-first.tar");
    await writeBundle(
      path,
      bundleEntries(artifacts, () => ({ indexFirst: true })),
    );
    assert.deepEqual(planned(await plan(path)), expected);
  });
});

test("a docker save archive from Docker < 25: RepoTags under the prefix", async () => {
  const path = join(dir, "docker-save.tar");
  const legacy = dockerSaveLegacy(["busybox:1.36", "quay.io/k0sproject/coredns:1.12.2"]);
  writeFileSync(path, Buffer.concat([...legacy.entries, TAR_END]));
  assert.deepEqual(planned(await plan(path)), [
    `${PREFIX}/k0sproject/coredns:1.12.2`,
    `${PREFIX}/library/busybox:1.36`,
  ]);
});

describe("a single OCI layout", () => {
  const images: LayoutImage[] = [
    {
      artifact: imageArtifact("x/a_1.tar"),
      annotations: { "io.containerd.image.name": "quay.io/k0sproject/kube-proxy:v1.32.8" },
    },
    {
      artifact: imageArtifact("x/b_1.tar"),
      annotations: { "org.opencontainers.image.ref.name": "registry.k8s.io/pause:3.10" },
    },
  ];
  test("as an archive (k0s airgap bundle-artifacts, docker save ≥ 25): names from the annotations", async () => {
    const entries = ociLayoutEntries(images);
    const tar = join(dir, "layout.tar");
    writeFileSync(tar, Buffer.concat([...entries, TAR_END]));
    assert.deepEqual(planned(await plan(tar)), [
      `${PREFIX}/k0sproject/kube-proxy:v1.32.8`,
      `${PREFIX}/pause:3.10`,
    ]);
  });
  test("as a directory", async () => {
    const root = join(dir, "layout-dir");
    extractEntries(root, ociLayoutEntries(images));
    assert.deepEqual(planned(await plan(root)), [
      `${PREFIX}/k0sproject/kube-proxy:v1.32.8`,
      `${PREFIX}/pause:3.10`,
    ]);
  });
});

describe("bad bundles are refused, naming the artifact", () => {
  test("a file that is not a bundle", async () => {
    const path = join(dir, "notes.txt");
    writeFileSync(path, "hello, not a tar\n".repeat(100));
    await assert.rejects(plan(path), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.errorCode, "bad_request:bundle");
      assert.match(
        error.message,
        /notes\.txt: not a bundle \(neither a tar archive nor a gzip-compressed tar\)/,
      );
      return true;
    });
  });

  test("a damaged gzip stream stops the push with the bundle named", async () => {
    const path = join(dir, "damaged.tar.gz");
    await writeBundle(path, bundleEntries(artifacts));
    const bytes = readFileSync(path);
    bytes.fill(0x55, 2000, 2400);
    writeFileSync(path, bytes);
    await assert.rejects(plan(path), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.match(error.message, /^damaged\.tar\.gz: damaged gzip data/);
      return true;
    });
  });

  test("a tar without artifacts", async () => {
    const path = join(dir, "other.tar");
    await writeBundle(path, [{ name: "docs/readme.md", data: Buffer.from("# hi") }]);
    await assert.rejects(
      plan(path),
      /other\.tar: not a bundle \(no <path>\/<name>_<tag>\.tar files/,
    );
  });

  test("an entry outside the archive root, a missing blob, a damaged archive: each named, the others planned", async () => {
    const [pause, coredns, ...rest] = artifacts;
    assert.ok(pause && coredns);
    const layer = [...coredns.blobs.keys()].find((d) => coredns.blobs.get(d)?.length ?? 0 > 10_000);
    assert.ok(layer);
    const path = join(dir, "bad.tar.gz");
    await writeBundle(path, [
      { name: "../escape/pause_3.9.tar", data: ociArchive(pause) },
      { name: coredns.entry, data: ociArchive(coredns, { omit: [layer] }) },
      {
        name: "broken/thing_1.0.tar",
        data: Buffer.concat([tarEntry("oci-layout", Buffer.from("{}")), TAR_END]),
      },
      {
        name: "noindex/thing_1.0.tar",
        data: Buffer.concat([
          tarEntry("oci-layout", Buffer.from('{"imageLayoutVersion":"1.0.0"}')),
          TAR_END,
        ]),
      },
      ...bundleEntries(rest),
    ]);
    const summary = await plan(path);
    const errorOf = (artifact: string) =>
      summary.artifacts.find((a) => a.artifact === artifact && a.state === "failed")?.error
        ?.message;
    assert.match(
      errorOf("../escape/pause_3.9.tar") ?? "",
      /^\.\.\/escape\/pause_3\.9\.tar: is outside the archive root/,
    );
    assert.match(
      errorOf(coredns.entry) ?? "",
      new RegExp(
        `^k0sproject/coredns_1\\.12\\.2\\.tar: manifest sha256:[a-f0-9]{64} names blob ${layer} .*which the archive lacks$`,
      ),
    );
    assert.match(
      errorOf("broken/thing_1.0.tar") ?? "",
      /oci-layout does not say imageLayoutVersion 1\.0\.0/,
    );
    assert.match(errorOf("noindex/thing_1.0.tar") ?? "", /has no index\.json: not an OCI archive/);
    assert.equal(summary.failed, 4);
    assert.deepEqual(planned(summary), rest.map((a) => `${PREFIX}/${a.path}:${a.tag}`).sort());
  });

  test("a docker save archive without RepoTags is refused, naming the config", async () => {
    const path = join(dir, "untagged-docker.tar");
    const legacy = dockerSaveLegacy(["busybox:1.36"]);
    const entries = legacy.entries.slice(0, -2);
    const manifest = legacy.manifest.map((entry) => ({ ...entry, RepoTags: null }));
    writeFileSync(
      path,
      Buffer.concat([
        ...entries,
        tarEntry("manifest.json", Buffer.from(JSON.stringify(manifest))),
        TAR_END,
      ]),
    );
    await assert.rejects(
      plan(path),
      /manifest\.json entry 1 \([a-f0-9]{64}\.json\) has no RepoTags/,
    );
  });
});
