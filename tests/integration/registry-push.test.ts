/**
 * The push engine against the real registry (Debian's docker-registry): a k0rdent Enterprise
 * bundle built here goes in under a prefix with every digest kept; a re-push sends no blob byte;
 * a cancelled push resumes; TLS with its own CA + htpasswd; the token flow; errors named.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RegistryClient, type RegistryConnection } from "@/lib/registry/client";
import { RegistryError } from "@/lib/registry/errors";
import { OCI_INDEX, OCI_MANIFEST } from "@/lib/registry/media-types";
import { pushBundle } from "@/lib/registry/push";
import type { PushEvent, PushSummary } from "@/lib/registry/push-events";
import {
  type BundleArtifact,
  bundleEntries,
  dockerSaveLegacy,
  extractEntries,
  imageArtifact,
  type LayoutImage,
  labBundle,
  layerAndConfigDigests,
  ociArchive,
  ociLayoutEntries,
  writeBundle,
} from "../lab/bundle";
import { startFlakyProxy } from "../lab/flaky-proxy";
import { type LabRun, startLabRun } from "../lab/lab-run";
import { TAR_END } from "../lab/oci-image";
import { run as runTool } from "../lab/proc";
import { type PushRegistry, startPushRegistry } from "../lab/push-registry";

const PREFIX = "k0rdent-enterprise";
const SUITE = { timeout: 120_000 };

let run: LabRun;
let artifacts: BundleArtifact[];
/** the lab bundle plus a copy of pause under another path (same blobs: mounted, not uploaded) */
let bundlePath: string;
const registries: PushRegistry[] = [];

before(async () => {
  run = await startLabRun();
  artifacts = [...labBundle(), imageArtifact("k0sproject/pause_3.9.tar", "k8s/pause_3.9.tar")];
  bundlePath = join(run.dir, "airgap-bundle.tar.gz");
  await writeBundle(bundlePath, bundleEntries(artifacts));
});

after(async () => {
  for (const registry of registries) await registry.stop();
  run?.dispose();
});

async function registry(kind: Parameters<typeof startPushRegistry>[1]): Promise<PushRegistry> {
  const started = await startPushRegistry(run, kind);
  registries.push(started);
  return started;
}

function push(client: RegistryClient, events: PushEvent[] = [], signal?: AbortSignal) {
  return pushBundle(bundlePath, {
    client,
    prefix: PREFIX,
    concurrency: 3,
    signal,
    onEvent: (e) => events.push(e),
  });
}

/** The registry holds every artifact at <prefix>/<path>:<tag> with the bundle's digest, every platform too. */
async function assertAllThere(client: RegistryClient, only = artifacts) {
  for (const artifact of only) {
    const repository = `${PREFIX}/${artifact.path}`;
    const head = await client.headManifest(repository, artifact.tag);
    assert.equal(head?.digest, artifact.top.digest, `${repository}:${artifact.tag}`);
    const manifest = await client.getManifest(repository, artifact.tag);
    assert.equal(manifest.mediaType, artifact.top.mediaType);
    assert.deepEqual(manifest.bytes, artifact.blobs.get(artifact.top.digest));
    for (const child of artifact.children) {
      assert.equal((await client.headManifest(repository, child.digest))?.digest, child.digest);
    }
    for (const digest of layerAndConfigDigests(artifact)) {
      assert.equal(await client.hasBlob(repository, digest), true, `${repository}@${digest}`);
    }
  }
}

/** The whole bundle pushed without a failure, then found in the registry. */
async function pushAndCheck(client: RegistryClient) {
  const summary = await push(client);
  const errors = summary.artifacts.map((a) => a.error?.message).filter(Boolean);
  assert.deepEqual(errors, []);
  await assertAllThere(client);
}

/** Blob bytes (manifests excluded) of the artifacts, each digest once. */
function uniqueBlobBytes(list: BundleArtifact[]): number {
  const seen = new Map<string, number>();
  for (const a of list) {
    for (const digest of layerAndConfigDigests(a))
      seen.set(digest, a.blobs.get(digest)?.length ?? 0);
  }
  return [...seen.values()].reduce((sum, n) => sum + n, 0);
}

function states(summary: PushSummary) {
  return Object.fromEntries(summary.artifacts.map((a) => [a.artifact, a.state]));
}

describe("plain http registry", SUITE, () => {
  let client: RegistryClient;
  before(async () => {
    client = new RegistryClient((await registry("plain")).connection);
  });
  after(() => client?.close());

  test("the bundle lands under the prefix, every digest equal; a re-push uploads no blob byte", async () => {
    const events: PushEvent[] = [];
    const first = await push(client, events);
    assert.equal(first.failed, 0, JSON.stringify(first.artifacts.map((a) => a.error?.message)));
    assert.ok(first.artifacts.every((a) => a.state === "done"));
    await assertAllThere(client);
    const index = artifacts.find((a) => a.top.mediaType === OCI_INDEX);
    assert.equal(index?.children.length, 2);

    // The copy of pause under k0sproject/ shares its blobs: mounted, nothing uploaded for it.
    const copy = events.find(
      (e) =>
        e.type === "artifact" && e.artifact === "k0sproject/pause_3.9.tar" && e.state === "done",
    );
    assert.ok(copy && copy.type === "artifact" && copy.state === "done");
    assert.equal(copy.uploadedBytes, 0);
    assert.equal(first.uploadedBytes, uniqueBlobBytes(artifacts));
    const progress = events.filter((e) => e.type === "progress");
    assert.ok(progress.length > 0);
    assert.equal(
      progress.at(-1)?.type === "progress" && progress.at(-1)?.readBytes,
      first.totalBytes,
    );

    const before = client.uploadedBytes;
    const second = await push(client);
    assert.equal(client.uploadedBytes - before, 0, "a re-push sends no blob bytes");
    assert.equal(second.uploadedBytes, 0);
    assert.ok(
      Object.values(states(second)).every((s) => s === "skipped"),
      JSON.stringify(states(second)),
    );
  });

  test("skopeo (a real client) copies every platform back out, digests verified", async () => {
    const address = new URL(client.base.href).host;
    const coredns = artifacts.find((a) => a.children.length === 2);
    assert.ok(coredns);
    const out = run.mkdir("skopeo-copy");
    await runTool(
      "skopeo",
      [
        "copy",
        "-a",
        "--quiet",
        "--src-tls-verify=false",
        "--insecure-policy",
        `docker://${address}/${PREFIX}/${coredns.path}:${coredns.tag}`,
        `oci:${out}:copy`,
      ],
      60_000,
    );
    const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8")) as {
      manifests: { digest: string }[];
    };
    assert.deepEqual(
      index.manifests.map((m) => m.digest),
      [coredns.top.digest],
    );
  });

  test("_catalog and tags/list page through the Link header", async () => {
    const repositories: string[] = [];
    for await (const repository of client.catalog(2)) repositories.push(repository);
    assert.deepEqual(repositories, artifacts.map((a) => `${PREFIX}/${a.path}`).sort());
    const tags: string[] = [];
    for await (const tag of client.tags(`${PREFIX}/k8s/pause`, 1)) tags.push(tag);
    assert.deepEqual(tags, ["3.9"]);
  });
});

describe("transient failures", SUITE, () => {
  test("503, 429 and dropped connections are retried: the push completes, even a streamed upload that failed", async () => {
    const target = await registry("plain");
    const seen = new Map<string, number>();
    /** the first time each kind of request is made: one fault each */
    const firstTime = (key: string) => {
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return seen.get(key) === 1;
    };
    const proxy = await startFlakyProxy(target.connection.url, (req) => {
      const path = req.url?.split("?")[0] ?? "";
      if (req.method === "HEAD" && path.includes("/blobs/") && firstTime("head")) return "503";
      if (req.method === "PUT" && path.includes("/manifests/") && firstTime("manifest"))
        return "429";
      if (req.method === "POST" && firstTime("post")) return "reset";
      // a streamed layer upload (the first large PUT) fails once: its artifact is read again
      if (
        req.method === "PUT" &&
        path.includes("/blobs/uploads/") &&
        Number(req.headers["content-length"]) > 1024 * 1024 &&
        firstTime("stream")
      )
        return "503";
      return undefined;
    });
    const client = new RegistryClient({ url: proxy.url, backoffBaseMs: 20 });
    try {
      const summary = await push(client);
      assert.deepEqual(
        summary.artifacts.filter((a) => a.state === "failed").map((a) => a.error?.message),
        [],
      );
      assert.equal(proxy.injected.length, 4, proxy.injected.join("\n"));
      assert.ok(
        proxy.injected.some((line) => line.startsWith("PUT") && line.includes("/blobs/uploads/")),
      );
      // the bundle was read twice (the failed artifact again): progress counts both readings
      assert.equal(summary.totalBytes, 2 * statSync(bundlePath).size);
      assert.equal(summary.readBytes, summary.totalBytes);
      await assertAllThere(client);
    } finally {
      client.close();
      await proxy.stop();
    }
  });

  test("a 4xx other than 429 is not retried", async () => {
    const target = await registry("plain");
    let manifestPuts = 0;
    const proxy = await startFlakyProxy(target.connection.url, (req) => {
      if (req.method === "PUT") manifestPuts++;
      return undefined;
    });
    const client = new RegistryClient({ url: proxy.url, backoffBaseMs: 20 });
    const missing = {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: `sha256:${"0".repeat(64)}`,
      size: 2,
    };
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: missing, layers: [] }),
    );
    try {
      await assert.rejects(
        client.putManifest(`${PREFIX}/x`, "1.0", OCI_MANIFEST, manifest),
        (error: unknown) => {
          assert.ok(error instanceof RegistryError);
          assert.equal(error.registryStatus, 400);
          assert.equal(error.registryCode, "MANIFEST_BLOB_UNKNOWN");
          assert.equal(error.transient, false);
          assert.match(
            error.message,
            /^PUT \/v2\/k0rdent-enterprise\/x\/manifests\/1\.0: HTTP 400 MANIFEST_BLOB_UNKNOWN/,
          );
          return true;
        },
      );
      assert.equal(manifestPuts, 1);
    } finally {
      client.close();
      await proxy.stop();
    }
  });
});

describe("cancel and resume", SUITE, () => {
  test("a push cancelled midway leaves nothing half-tagged and the next push completes it", async () => {
    const client = new RegistryClient((await registry("plain")).connection);
    try {
      const controller = new AbortController();
      const events: PushEvent[] = [];
      await assert.rejects(
        pushBundle(bundlePath, {
          client,
          prefix: PREFIX,
          concurrency: 1,
          signal: controller.signal,
          onEvent: (e) => {
            events.push(e);
            if (e.type === "artifact" && e.state === "done")
              controller.abort(new Error("cancelled by the test"));
          },
        }),
        /cancelled by the test/,
      );
      const done = events.filter((e) => e.type === "artifact" && e.state === "done").length;
      let tagged = 0;
      for (const a of artifacts) {
        const head = await client.headManifest(`${PREFIX}/${a.path}`, a.tag);
        if (head) {
          tagged++;
          assert.equal(head.digest, a.top.digest);
        }
      }
      assert.equal(tagged, done, "only finished artifacts are tagged");
      assert.ok(tagged < artifacts.length, "the cancel came before the end");

      const uploadedBefore = client.uploadedBytes;
      const resumed = await push(client);
      assert.equal(resumed.failed, 0);
      assert.ok(
        resumed.artifacts.some((a) => a.state === "skipped"),
        "what was there is skipped",
      );
      assert.ok(
        client.uploadedBytes - uploadedBefore < resumed.skippedBytes + client.uploadedBytes,
      );
      await assertAllThere(client);
    } finally {
      client.close();
    }
  });
});

describe("TLS with its own CA and htpasswd", SUITE, () => {
  let connection: RegistryConnection;
  before(async () => {
    connection = (await registry("tls-htpasswd")).connection;
  });

  test("pushes with the CA and credentials", async () => {
    const client = new RegistryClient(connection);
    try {
      await pushAndCheck(client);
    } finally {
      client.close();
    }
  });

  test("a wrong password fails every artifact with the registry's answer, none tagged", async () => {
    const bad = new RegistryClient({
      ...connection,
      credentials: { username: "pusher", password: "wrong" },
    });
    try {
      const summary = await push(bad);
      assert.equal(
        summary.failed,
        artifacts.length,
        JSON.stringify(summary.artifacts.map((a) => [a.artifact, a.state, a.error?.message])),
      );
      for (const result of summary.artifacts) {
        assert.ok(result.error instanceof RegistryError);
        assert.equal(result.error.errorCode, "unauthorized:registry");
        assert.equal(result.error.artifact, result.artifact);
        assert.match(
          result.error.message,
          new RegExp(
            `^${result.artifact.replace(/[.]/g, "\\.")}: the registry refused the credentials`,
          ),
        );
      }
    } finally {
      bad.close();
    }
  });

  test("without the CA the certificate is refused (not retried)", async () => {
    const { ca: _ca, ...noCa } = connection;
    const client = new RegistryClient({ ...noCa, backoffBaseMs: 5_000 });
    const started = Date.now();
    try {
      await assert.rejects(client.ping(), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.match(error.message, /self-signed|unable to verify|certificate/i);
        return true;
      });
      assert.ok(Date.now() - started < 5_000, "no backoff: a certificate error is not transient");
    } finally {
      client.close();
    }
    const skip = new RegistryClient({ ...noCa, insecureSkipVerify: true });
    try {
      await skip.ping();
    } finally {
      skip.close();
    }
  });
});

describe("token auth (distribution token flow)", SUITE, () => {
  test("401 Bearer → token per scope from the realm with basic credentials, cached", async () => {
    const started = await registry("token");
    const client = new RegistryClient(started.connection);
    try {
      await pushAndCheck(client);
      const requests = started.tokenServer?.requests ?? [];
      assert.ok(
        requests.some((s) => s === `repository:${PREFIX}/k8s/pause:pull,push`),
        requests.join("\n"),
      );
      // the mount of pause's blobs into k0sproject/pause asks for both repositories, as two scopes
      assert.ok(
        requests.includes(
          `repository:${PREFIX}/k0sproject/pause:pull,push repository:${PREFIX}/k8s/pause:pull`,
        ),
        requests.join("\n"),
      );
      // one token per scope, not per request: far fewer token requests than registry requests
      assert.ok(requests.length <= new Set(requests).size + 2, `${requests.length} token requests`);
      const bad = new RegistryClient({
        ...started.connection,
        credentials: { username: "x", password: "y" },
      });
      try {
        await assert.rejects(
          bad.hasBlob(`${PREFIX}/k8s/pause`, artifacts[0]?.top.digest ?? ""),
          (error: unknown) => {
            assert.ok(error instanceof RegistryError);
            assert.equal(error.errorCode, "unauthorized:registry");
            assert.match(error.message, /token service .* refused the credentials \(HTTP 401\)/);
            return true;
          },
        );
      } finally {
        bad.close();
      }
    } finally {
      client.close();
    }
  });
});

describe("other bundle shapes", SUITE, () => {
  test("a docker save archive (Docker < 25) and a standalone OCI layout land with their digests", async () => {
    const client = new RegistryClient((await registry("plain")).connection);
    try {
      const legacy = dockerSaveLegacy(["busybox:1.36", "quay.io/k0sproject/coredns:1.12.2"]);
      const dockerPath = join(run.dir, "docker-save.tar");
      writeFileSync(dockerPath, Buffer.concat([...legacy.entries, TAR_END]));
      const pushed = await pushBundle(dockerPath, { client, prefix: PREFIX });
      assert.deepEqual(
        pushed.artifacts.map((a) => a.state),
        ["done", "done"],
      );
      for (const [image, repository] of [
        [legacy.images[0], `${PREFIX}/library/busybox`],
        [legacy.images[1], `${PREFIX}/k0sproject/coredns`],
      ] as const) {
        assert.ok(image);
        const tag = image.repoTag.split(":").pop() ?? "";
        const manifest = JSON.parse(
          (await client.getManifest(repository, tag)).bytes.toString(),
        ) as {
          config: { digest: string };
          layers: { digest: string }[];
        };
        assert.equal(manifest.config.digest, image.configDigest);
        assert.deepEqual(
          manifest.layers.map((l) => l.digest),
          [image.layerDigest],
        );
        assert.equal(await client.hasBlob(repository, image.layerDigest), true);
      }

      // a directory of bundle files (extracted), each file re-readable
      const extracted = run.mkdir("extracted-bundle");
      const dirArtifacts = labBundle().slice(2);
      for (const { name, data } of bundleEntries(dirArtifacts)) {
        mkdirSync(dirname(join(extracted, name)), { recursive: true });
        writeFileSync(join(extracted, name), data);
      }
      const fromDir = await pushBundle(extracted, { client, prefix: "from-dir" });
      assert.deepEqual(
        fromDir.artifacts.map((a) => a.state),
        dirArtifacts.map(() => "done"),
      );
      for (const a of dirArtifacts) {
        assert.equal(
          (await client.headManifest(`from-dir/${a.path}`, a.tag))?.digest,
          a.top.digest,
        );
      }

      const [one, two] = labBundle();
      assert.ok(one && two);
      const layoutPath = join(run.dir, "layout.tar");
      const layoutImages: LayoutImage[] = [
        {
          artifact: one,
          annotations: { "io.containerd.image.name": "registry.k8s.io/pause:3.10" },
        },
        {
          artifact: two,
          annotations: { "org.opencontainers.image.ref.name": "quay.io/k0sproject/coredns:1.12.3" },
        },
      ];
      writeFileSync(layoutPath, Buffer.concat([...ociLayoutEntries(layoutImages), TAR_END]));
      const layout = await pushBundle(layoutPath, { client, prefix: PREFIX });
      assert.deepEqual(
        layout.artifacts.map((a) => a.state),
        ["done", "done"],
      );
      assert.equal((await client.headManifest(`${PREFIX}/pause`, "3.10"))?.digest, one.top.digest);
      assert.equal(
        (await client.headManifest(`${PREFIX}/k0sproject/coredns`, "1.12.3"))?.digest,
        two.top.digest,
      );
      const layoutDir = run.mkdir("layout-dir");
      extractEntries(layoutDir, ociLayoutEntries(layoutImages));
      const fromLayoutDir = await pushBundle(layoutDir, { client, prefix: "from-layout-dir" });
      assert.deepEqual(
        fromLayoutDir.artifacts.map((a) => a.state),
        ["done", "done"],
      );
      assert.equal(
        (await client.headManifest("from-layout-dir/pause", "3.10"))?.digest,
        one.top.digest,
      );
      for (const child of two.children) {
        assert.equal(
          (await client.headManifest(`${PREFIX}/k0sproject/coredns`, child.digest))?.digest,
          child.digest,
        );
      }
    } finally {
      client.close();
    }
  });
});

describe("errors against a real registry", SUITE, () => {
  test("a manifest naming a blob the archive lacks: that artifact fails named and untagged, the others land", async () => {
    const client = new RegistryClient((await registry("plain")).connection);
    try {
      const [broken, ...rest] = labBundle();
      assert.ok(broken);
      const layer =
        [...broken.blobs.entries()].sort((a, b) => b[1].length - a[1].length)[0]?.[0] ?? "";
      const path = join(run.dir, "missing-blob.tar");
      await writeBundle(path, [
        { name: broken.entry, data: ociArchive(broken, { omit: [layer] }) },
        ...bundleEntries(rest),
      ]);
      const summary = await pushBundle(path, { client, prefix: PREFIX });
      const failed = summary.artifacts.find((a) => a.state === "failed");
      assert.equal(failed?.artifact, broken.entry);
      assert.match(
        failed?.error?.message ?? "",
        new RegExp(`names blob ${layer} .*which the archive lacks`),
      );
      assert.equal(await client.headManifest(`${PREFIX}/${broken.path}`, broken.tag), undefined);
      assert.equal(summary.artifacts.filter((a) => a.state === "done").length, rest.length);
    } finally {
      client.close();
    }
  });
});
