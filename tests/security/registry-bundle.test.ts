/**
 * Attacks through a bundle handed to the push engine: a gzip bomb stops within its first
 * megabytes, symbolic links in a bundle directory are never followed (no file of the console
 * machine is read through them), and hostile entry names never name a target outside the prefix.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { RegistryError } from "@/lib/registry/errors";
import { pushBundle } from "@/lib/registry/push";
import { bundleEntries, imageArtifact, ociArchive, writeBundle } from "../lab/bundle";
import { HUGE, tarHeader } from "./gzip-bomb";

const dir = mkdtempSync(join(tmpdir(), "registry-attacks-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const PREFIX = "k0rdent-enterprise";

test("a gzip bomb posing as a bundle is refused within its first megabytes", async () => {
  // One bundle file claiming ~8 GiB of zeros, as 512 concatenated gzip members of 16 MiB each.
  const zeros = Buffer.alloc(16 * 1024 * 1024);
  const member = gzipSync(zeros, { level: 9 });
  const first = gzipSync(Buffer.concat([tarHeader("k8s/bomb_1.0.tar", HUGE), zeros]), { level: 9 });
  const path = join(dir, "bomb.tar.gz");
  writeFileSync(path, Buffer.concat([first, ...Array<Buffer>(511).fill(member)]));
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  await assert.rejects(pushBundle(path, { prefix: PREFIX }), (error: unknown) => {
    assert.ok(error instanceof RegistryError);
    assert.equal(error.errorCode, "bad_request:bundle");
    assert.match(error.message, /^bomb\.tar\.gz: .*decompression bomb/);
    return true;
  });
  assert.ok(Date.now() - started < 10_000, "stopped early, not after inflating 8 GiB");
  assert.ok(process.memoryUsage().rss - rssBefore < 200 * 1024 * 1024);
});

test("symbolic links in a bundle directory are not followed", async () => {
  const root = join(dir, "with-links");
  const outside = join(dir, "outside");
  mkdirSync(join(root, "k8s"), { recursive: true });
  mkdirSync(outside, { recursive: true });
  const [real] = bundleEntries([imageArtifact("k8s/pause_3.9.tar")]);
  assert.ok(real);
  writeFileSync(join(root, real.name), real.data);
  writeFileSync(join(outside, "secret_1.0.tar"), ociArchive(imageArtifact("x/secret_1.0.tar")));
  symlinkSync("/etc/passwd", join(root, "k8s", "passwd_1.0.tar"));
  symlinkSync(join(outside, "secret_1.0.tar"), join(root, "secret_1.0.tar"));
  symlinkSync(outside, join(root, "linked-dir"));
  const summary = await pushBundle(root, { prefix: PREFIX });
  assert.deepEqual(
    summary.artifacts.map((a) => [a.artifact, a.state]),
    [["k8s/pause_3.9.tar", "planned"]],
  );
});

test("hostile entry names fail alone and never land outside the prefix", async () => {
  const names = [
    "../../etc/pause_3.9.tar",
    "/abs/pause_3.9.tar",
    "a/./b_1.tar",
    "a//b_1.tar",
    "UP/x_1.tar",
  ];
  const path = join(dir, "hostile.tar");
  const good = imageArtifact("k8s/pause_3.9.tar");
  await writeBundle(path, [
    ...names.map((name) => ({ name, data: ociArchive(good) })),
    ...bundleEntries([good]),
  ]);
  const summary = await pushBundle(path, { prefix: PREFIX });
  const failed = summary.artifacts.filter((a) => a.state === "failed");
  assert.deepEqual(failed.map((a) => a.artifact).sort(), [...names].sort());
  for (const result of summary.artifacts) {
    if (result.reference) assert.match(result.reference, new RegExp(`^${PREFIX}/[a-z0-9]`));
  }
  assert.deepEqual(
    summary.artifacts.filter((a) => a.state === "planned").map((a) => a.reference),
    [`${PREFIX}/k8s/pause:3.9`],
  );
});
