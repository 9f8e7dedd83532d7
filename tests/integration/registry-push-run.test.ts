/**
 * The push as a run: a lab bundle from CONSOLE_BUNDLES_DIR into a lab registry under a prefix,
 * with per-artifact states on the run's events and in its record; cancelled mid-push and pushed
 * again (only what was missing is uploaded); names outside the bundles folder refused with one
 * message; a dry run lists every target and sends nothing.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  createReadStream,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { putRegistrySettings } from "@/lib/inventory/registry-settings";
import { receiveBundle } from "@/lib/registry/bundle-uploads";
import { listBundles, NOT_IN_BUNDLES_DIR, resolveBundle } from "@/lib/registry/bundles-dir";
import { RegistryClient } from "@/lib/registry/client";
import { type PushedArtifact, type StartPushRequest, startPushRun } from "@/lib/registry/push-run";
import { subscribe } from "@/lib/runs/bus";
import { cancelRun } from "@/lib/runs/executor";
import { eventsAfter, getRun, latestProgress, listRuns } from "@/lib/runs/store";
import type { ProgressEvent } from "@/lib/runs/types";
import { type BundleArtifact, bundleEntries, labBundle, writeBundle } from "../lab/bundle";
import { type FlakyProxy, startFlakyProxy } from "../lab/flaky-proxy";
import { labInventory } from "../lab/lab-inventory";
import { type LabRun, startLabRun } from "../lab/lab-run";
import { type PushRegistry, startPushRegistry } from "../lab/push-registry";

const PREFIX = "k0rdent-enterprise";
const SUITE = { timeout: 120_000 };
const BUNDLE = "airgap-bundle.tar.gz";

let run: LabRun;
let artifacts: BundleArtifact[];
let bundlesDir: string;
const registries: PushRegistry[] = [];
const proxies: FlakyProxy[] = [];
const inventory = labInventory("registry-push-run-");

before(async () => {
  run = await startLabRun();
  artifacts = labBundle();
  bundlesDir = run.mkdir("bundles");
  await writeBundle(join(bundlesDir, BUNDLE), bundleEntries(artifacts));
  const outside = run.mkdir("elsewhere");
  writeFileSync(join(outside, "secret.tar"), "not yours");
  symlinkSync(join(outside, "secret.tar"), join(bundlesDir, "link-out.tar"));
  symlinkSync(outside, join(bundlesDir, "dir-out"));
  mkdirSync(join(bundlesDir, "nested"));
});

after(async () => {
  for (const proxy of proxies) await proxy.stop();
  for (const registry of registries) await registry.stop();
  run?.dispose();
  inventory.db.close();
  rmSync(inventory.dir, { recursive: true, force: true });
});

async function plainRegistry(): Promise<PushRegistry> {
  const started = await startPushRegistry(run, "plain");
  registries.push(started);
  return started;
}

/** The registry settings pointed at `url` (http), under PREFIX. */
function useRegistry(url: string): void {
  putRegistrySettings({
    ...inventory,
    input: {
      address: new URL(url).host,
      prefix: PREFIX,
      scheme: "http",
      credentials: { kind: "none" },
    },
  });
}

function push(options: { dryRun?: boolean; source?: StartPushRequest["source"] } = {}) {
  return startPushRun({
    ...inventory,
    source: options.source ?? { bundle: BUNDLE },
    bundlesDir,
    concurrency: 1,
    dryRun: options.dryRun,
    startedBy: "test",
  });
}

const target = (artifact: BundleArtifact) => `${PREFIX}/${artifact.path}:${artifact.tag}`;

/** The run's artifact progress events, by target reference, in order. */
function artifactStates(runId: string): Map<string, ProgressEvent[]> {
  const byItem = new Map<string, ProgressEvent[]>();
  for (const event of eventsAfter({ db: inventory.db, runId })) {
    if (event.type !== "progress" || event.state === undefined) continue;
    byItem.set(event.item, [...(byItem.get(event.item) ?? []), event]);
  }
  return byItem;
}

function recorded(runId: string): PushedArtifact[] {
  const pushRun = getRun({ db: inventory.db, id: runId });
  return (pushRun?.nodes[0]?.result ?? []) as PushedArtifact[];
}

async function assertAllThere(client: RegistryClient): Promise<void> {
  for (const artifact of artifacts) {
    const head = await client.headManifest(`${PREFIX}/${artifact.path}`, artifact.tag);
    assert.equal(head?.digest, artifact.top.digest, target(artifact));
  }
}

describe("a push run", SUITE, () => {
  test("succeeds: every artifact queued then done, in order, with the bundle's digests", async () => {
    const registry = await plainRegistry();
    useRegistry(registry.connection.url);
    const { id, done } = await push();
    await done;
    const pushRun = getRun({ db: inventory.db, id });
    assert.equal(pushRun?.action, "push");
    assert.equal(pushRun?.status, "succeeded");
    assert.deepEqual(pushRun?.inputs, {
      bundle: BUNDLE,
      concurrency: 1,
      dryRun: false,
      registry: { address: new URL(registry.connection.url).host, prefix: PREFIX, via: null },
    });
    const states = artifactStates(id);
    assert.deepEqual([...states.keys()].sort(), artifacts.map(target).sort());
    for (const [item, events] of states) {
      const sequence = events.map((event) => event.state).join(" ");
      assert.match(sequence, /^queued( uploading)* done$/, item);
    }
    const byReference = new Map(recorded(id).map((a) => [a.reference, a]));
    for (const artifact of artifacts) {
      const entry = byReference.get(target(artifact));
      assert.equal(entry?.state, "done");
      assert.equal(entry?.digest, artifact.top.digest);
      assert.equal(states.get(target(artifact))?.at(-1)?.digest, artifact.top.digest);
    }
    const client = new RegistryClient(registry.connection);
    try {
      await assertAllThere(client);
    } finally {
      client.close();
    }
    assert.ok(listRuns(inventory).some((each) => each.id === id && each.action === "push"));
    // what a page opened after the push shows: each artifact's last state, the bundle read whole
    const latest = latestProgress({ db: inventory.db, runId: id, upTo: pushRun?.lastEventId ?? 0 });
    assert.deepEqual(
      Object.values(latest.registry ?? {})
        .map((item) => [item.item, item.state])
        .sort(),
      artifacts.map((artifact) => [target(artifact), "done"]).sort(),
    );
    const bundle = latest[""]?.bundle;
    assert.ok(
      bundle &&
        bundle.done === bundle.total &&
        bundle.done === statSync(join(bundlesDir, BUNDLE)).size,
    );
  });

  test("cancelled mid-push, then pushed again: only what was missing is uploaded", async () => {
    const registry = await plainRegistry();
    // once the first artifact is tagged, the registry goes quiet: only the cancel ends the push
    let tagged = false;
    const proxy = await startFlakyProxy(registry.connection.url, (req) => {
      if (tagged) return "hold";
      const tagPut = req.method === "PUT" && /\/manifests\/(?!sha256:)[^/]+$/.test(req.url ?? "");
      if (tagPut) tagged = true;
      return undefined;
    });
    proxies.push(proxy);
    useRegistry(proxy.url);
    const first = await push();
    const unsubscribe = subscribe(
      first.id,
      (event) => {
        if (event.type === "progress" && event.state === "done") cancelRun(first.id);
      },
      () => {},
    );
    await first.done;
    unsubscribe();
    assert.equal(getRun({ db: inventory.db, id: first.id })?.status, "cancelled");
    const pushedFirst = recorded(first.id).filter((a) => a.state === "done");
    assert.equal(pushedFirst.length, 1, "one artifact was done before the cancel");

    useRegistry(registry.connection.url);
    const second = await push();
    await second.done;
    assert.equal(getRun({ db: inventory.db, id: second.id })?.status, "succeeded");
    const again = new Map(recorded(second.id).map((a) => [a.reference, a]));
    for (const artifact of artifacts) {
      const entry = again.get(target(artifact));
      const wasThere = pushedFirst.some((a) => a.reference === target(artifact));
      assert.equal(entry?.state, wasThere ? "skipped" : "done", target(artifact));
      assert.equal(entry?.digest, artifact.top.digest);
    }
    const client = new RegistryClient(registry.connection);
    try {
      await assertAllThere(client);
    } finally {
      client.close();
    }
  });

  test("a dry run lists every target reference and sends nothing", async () => {
    const registry = await plainRegistry();
    const requests: string[] = [];
    const proxy = await startFlakyProxy(registry.connection.url, (req) => {
      requests.push(`${req.method} ${req.url}`);
      return undefined;
    });
    proxies.push(proxy);
    useRegistry(proxy.url);
    const { id, done } = await push({ dryRun: true });
    await done;
    assert.equal(getRun({ db: inventory.db, id })?.status, "succeeded");
    const planned = recorded(id);
    assert.deepEqual(planned.map((a) => a.reference).sort(), artifacts.map(target).sort());
    assert.ok(planned.every((a) => a.state === "planned"));
    assert.deepEqual(requests, []);
  });
});

describe("an uploaded bundle", SUITE, () => {
  test("is streamed to the data folder under its sha256 and pushed by it", async () => {
    const file = join(bundlesDir, BUNDLE);
    const upload = await receiveBundle({
      db: inventory.db,
      body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    });
    assert.equal(upload.sha256, createHash("sha256").update(readFileSync(file)).digest("hex"));
    assert.equal(upload.size, statSync(file).size);
    const { id, done } = await push({ dryRun: true, source: { upload: upload.sha256 } });
    await done;
    assert.deepEqual(
      recorded(id)
        .map((a) => a.reference)
        .sort(),
      artifacts.map(target).sort(),
    );
    assert.equal(
      (getRun({ db: inventory.db, id })?.inputs as { upload?: string } | undefined)?.upload,
      upload.sha256,
    );
  });

  test("an unknown or malformed sha256 is refused, no run started", async () => {
    for (const upload of ["0".repeat(64), "../../etc/passwd"]) {
      const before = listRuns(inventory).length;
      await assert.rejects(push({ source: { upload } }), /no uploaded bundle has this sha256/);
      assert.equal(listRuns(inventory).length, before);
    }
  });
});

describe("a push names only a bundle of CONSOLE_BUNDLES_DIR", SUITE, () => {
  test("the folder lists its bundles and directories, never a link", async () => {
    const listed = await listBundles(bundlesDir, inventory.dir);
    assert.deepEqual(
      listed?.map((entry) => `${entry.kind} ${entry.name}`),
      [`file ${BUNDLE}`, "directory nested"],
    );
  });

  test("a folder that is / or the data folder is no bundles folder; data files are never read", async () => {
    for (const dir of ["/", "/proc", inventory.dir]) {
      assert.equal(await listBundles(dir, inventory.dir), null);
      await assert.rejects(resolveBundle(dir, "x.tar", inventory.dir), /no usable bundles folder/);
    }
    const database = `${basename(inventory.dir)}/console.sqlite`;
    await assert.rejects(
      resolveBundle(dirname(inventory.dir), database, inventory.dir),
      (error: Error) => error.message === NOT_IN_BUNDLES_DIR,
    );
  });

  for (const source of [
    "../elsewhere/secret.tar",
    "/etc/passwd",
    "link-out.tar",
    "dir-out/secret.tar",
    "dir-out",
    "missing.tar.gz",
    ".hidden",
    "nested/../../elsewhere/secret.tar",
  ]) {
    test(`${source}: refused with one message, no run started`, async () => {
      const before = listRuns(inventory).length;
      await assert.rejects(push({ source: { bundle: source } }), (error: Error) => {
        assert.equal(error.message, NOT_IN_BUNDLES_DIR);
        return true;
      });
      assert.equal(listRuns(inventory).length, before);
    });
  }
});
