/**
 * The registry setting tried for real: lab registries (plain, TLS with its own CA and htpasswd,
 * the token flow), each problem a person must fix told by name, and a registry that listens only
 * inside a test host's network namespace reached through that host's SSH (direct-tcpip). Then the
 * registry seen: repositories and tags page by page, a reference's platforms, size and the fleet's
 * requests that land on it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { putRegistrySettings } from "@/lib/inventory/registry-settings";
import { putCatalog, putFleetSettings } from "@/lib/inventory/settings";
import { describeReference, listRepositories, listTags } from "@/lib/registry/browse";
import { testRegistrySettings } from "@/lib/registry/reach";
import type { RegistrySettingsInput } from "@/lib/registry/settings";
import { imageArtifact, indexArtifact } from "../lab/bundle";
import { freePort } from "../lab/console-server";
import { addLabNodes, labInventory } from "../lab/lab-inventory";
import { type LabRun, startLabRun } from "../lab/lab-run";
import { inNetns } from "../lab/netns";
import { makeServerPki } from "../lab/pki";
import { startDaemon, tryRun } from "../lab/proc";
import {
  LAB_PASSWORD,
  LAB_USER,
  type PushRegistry,
  pushArtifact,
  startPushRegistry,
} from "../lab/push-registry";
import { type Registry, startRegistry } from "../lab/registry";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

let run: LabRun;
let lab: SshLab;
const registries = new Map<string, PushRegistry>();
let inner: Registry;
/** https with its own CA, also only inside the host's namespace (port innerPort + 1) */
let innerTls: Registry;
let innerTlsCa: string;
/** the plain registry's twin in the root namespace: the same storage as `inner` */
let twin: Registry;
let innerPort: number;
const inventory = labInventory("registry-settings-");

before(async () => {
  run = await startLabRun();
  for (const kind of ["plain", "tls-htpasswd", "token"] as const) {
    registries.set(kind, await startPushRegistry(run, kind));
  }
  lab = await startSshLab({ hosts: [{ name: "jump" }], seed: false });
  addLabNodes(inventory, lab, () => ({ role: "worker" }));
  // free here, and nothing else listens inside the host's own namespace
  innerPort = await freePort();
  const storageDir = run.mkdir("inner-storage");
  inner = await startRegistry({
    name: "registry inside jump",
    dir: run.mkdir("inner-registry"),
    storageDir,
    listen: { tcp: `127.0.0.1:${innerPort}` },
    netns: lab.host("jump").netns,
  });
  const tlsDir = run.mkdir("inner-tls-registry");
  const pki = await makeServerPki(tlsDir);
  innerTlsCa = pki.caCert;
  innerTls = await startRegistry({
    name: "https registry inside jump",
    dir: tlsDir,
    listen: { tcp: `127.0.0.1:${innerPort + 1}` },
    tls: { certFile: pki.certFile, keyFile: pki.keyFile },
    netns: lab.host("jump").netns,
  });
  twin = await startRegistry({
    name: "twin of the inner registry",
    dir: run.mkdir("twin-registry"),
    storageDir,
    listen: { tcp: `127.0.0.1:${await freePort()}` },
  });
});

after(async () => {
  await inner?.stop();
  await innerTls?.stop();
  await twin?.stop();
  for (const registry of registries.values()) await registry.stop();
  await lab?.stop();
  run?.dispose();
});

function addressOf(kind: string): string {
  const registry = registries.get(kind);
  assert.ok(registry?.registry.address);
  return registry.registry.address;
}
const tls = () => registries.get("tls-htpasswd")?.connection.ca ?? "";
const basic = (password = LAB_PASSWORD) => ({
  kind: "basic" as const,
  username: LAB_USER,
  password,
});

async function tried(input: RegistrySettingsInput) {
  putRegistrySettings({ ...inventory, input: { credentials: { kind: "none" }, ...input } });
  return testRegistrySettings(inventory);
}

describe("POST /api/registry/test: what the registry answers, in words", () => {
  test("plain http, no credentials needed", async () => {
    const result = await tried({ address: addressOf("plain"), scheme: "http" });
    assert.equal(result.ok, true, result.summary);
    assert.equal(result.auth, "none needed");
    assert.equal(result.tls, "not used");
    assert.deepEqual(result.v2, { status: 200, apiVersion: "registry/2.0" });
    assert.match(result.summary, /answers \/v2\/ \(HTTP 200\): no credentials needed/);
  });

  test("https with its CA and htpasswd credentials", async () => {
    const result = await tried({
      address: addressOf("tls-htpasswd"),
      scheme: "https",
      caPem: tls(),
      credentials: basic(),
    });
    assert.equal(result.ok, true, result.summary);
    assert.equal(result.tls, "verified");
    assert.equal(result.auth, "accepted");
  });

  test("https without its CA: the TLS error by name", async () => {
    const result = await tried({
      address: addressOf("tls-htpasswd"),
      scheme: "https",
      credentials: basic(),
    });
    assert.equal(result.ok, false);
    assert.equal(result.tls, "failed");
    assert.equal(result.reachable, true);
    assert.match(result.summary, /TLS failed \([A-Z_]+\): .*CA the console does not trust/);
  });

  test("skip-verify gets through without the CA", async () => {
    const result = await tried({
      address: addressOf("tls-htpasswd"),
      scheme: "https",
      insecureSkipVerify: true,
      credentials: basic(),
    });
    assert.equal(result.ok, true, result.summary);
    assert.equal(result.tls, "not verified (skip-verify)");
  });

  test("a wrong password, and no credentials at all", async () => {
    const wrong = await tried({
      address: addressOf("tls-htpasswd"),
      scheme: "https",
      caPem: tls(),
      credentials: basic("not-the-password"),
    });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.auth, "refused");
    assert.equal(wrong.v2?.status, 401);
    assert.doesNotMatch(JSON.stringify(wrong), /not-the-password/);
    const none = await tried({ address: addressOf("tls-htpasswd"), scheme: "https", caPem: tls() });
    assert.equal(none.auth, "required");
    assert.match(none.summary, /asks for credentials/);
  });

  test("http to an https port is named as such", async () => {
    const result = await tried({ address: addressOf("tls-htpasswd"), scheme: "http" });
    assert.equal(result.ok, false);
    assert.equal(result.reachable, true);
    assert.equal(result.v2?.status, 400);
    assert.match(result.summary, /not as a registry does/);
  });

  test("the token flow: accepted with the credentials, refused with wrong ones", async () => {
    const ok = await tried({ address: addressOf("token"), scheme: "http", credentials: basic() });
    assert.equal(ok.ok, true, ok.summary);
    assert.equal(ok.auth, "accepted");
    const refused = await tried({
      address: addressOf("token"),
      scheme: "http",
      credentials: basic("wrong"),
    });
    assert.equal(refused.ok, false);
    assert.equal(refused.auth, "refused");
    assert.match(refused.summary, /token service .* refused the credentials/);
  });

  test("nothing listening: not reachable, and why", async () => {
    const result = await tried({ address: `127.0.0.1:${await freePort()}`, scheme: "http" });
    assert.equal(result.reachable, false);
    assert.match(result.summary, /cannot be reached: .*ECONNREFUSED/);
  });
});

describe("through a node: a registry only that node reaches", () => {
  test("unreachable from the console directly", async () => {
    const result = await tried({ address: `127.0.0.1:${innerPort}`, scheme: "http" });
    assert.equal(result.reachable, false, result.summary);
  });

  test("reached through the node's SSH (direct-tcpip)", async () => {
    const result = await tried({ address: `127.0.0.1:${innerPort}`, scheme: "http", via: "jump" });
    assert.equal(result.ok, true, result.summary);
    assert.equal(result.via, "jump");
    assert.deepEqual(result.v2, { status: 200, apiVersion: "registry/2.0" });
  });

  test("https through the tunnel: TLS runs over the SSH channel, verified with its CA", async () => {
    const address = `127.0.0.1:${innerPort + 1}`;
    const result = await tried({ address, scheme: "https", caPem: innerTlsCa, via: "jump" });
    assert.equal(result.ok, true, result.summary);
    assert.equal(result.tls, "verified");
    const untrusted = await tried({ address, scheme: "https", via: "jump" });
    assert.equal(untrusted.tls, "failed", untrusted.summary);
  });

  test("a registry that accepts and never answers: the tunnelled request gives up in time", async () => {
    const port = innerPort + 2;
    const netns = lab.host("jump").netns;
    // accepts every connection and never says a word
    const silent = `import socket, time\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(("127.0.0.1", ${port}))\ns.listen(8)\nheld = []\nwhile True:\n    held.append(s.accept())\n`;
    const [cmd, args] = inNetns(netns, "python3", ["-c", silent]);
    const daemon = startDaemon("silent listener", cmd, args, `${run.mkdir("silent")}/log`);
    try {
      const connect = `import socket; socket.create_connection(("127.0.0.1", ${port}), 1)`;
      await waitFor(
        "the silent listener",
        () => tryRun(...inNetns(netns, "python3", ["-c", connect])),
        {
          timeoutMs: 15_000,
        },
      );
      const started = Date.now();
      const result = await tried({ address: `127.0.0.1:${port}`, scheme: "http", via: "jump" });
      assert.equal(result.ok, false);
      assert.match(result.summary, /no answer in time/);
      assert.ok(Date.now() - started < 19_000, `${Date.now() - started} ms`);
    } finally {
      await daemon.stop();
    }
  });

  test("a node that cannot be reached is named", async () => {
    await lab.down("jump");
    try {
      const result = await tried({
        address: `127.0.0.1:${innerPort}`,
        scheme: "http",
        via: "jump",
      });
      assert.equal(result.ok, false);
      assert.match(result.summary, /node jump to reach the registry through cannot be used/);
    } finally {
      await lab.restart("jump");
    }
  });
});

describe("see the registry", () => {
  const repositories = ["a/one", "a/two", "b/three", "c/four", "k0rdent-enterprise/pause"];
  const pause = imageArtifact("k0rdent-enterprise/pause_3.9.tar");
  const coredns = indexArtifact("k0rdent-enterprise/k0sproject/coredns_1.12.2.tar", [
    "amd64",
    "arm64",
  ]);

  before(async () => {
    const twinConnection = { url: `http://${twin.address}` };
    for (const repository of repositories.slice(0, 4)) {
      await pushArtifact(twinConnection, repository, imageArtifact(`${repository}_1.0.tar`));
    }
    for (const tag of ["1.0", "1.1", "1.2", "2.0", "3.9"]) {
      await pushArtifact(twinConnection, "k0rdent-enterprise/pause", { ...pause, tag });
    }
    await pushArtifact(twinConnection, "k0rdent-enterprise/k0sproject/coredns", coredns);
    // the fleet pulls through the mirror at the same place, under the bundle's prefix
    putFleetSettings({
      ...inventory,
      settings: {
        k0sVersion: "1.32.8",
        registries: ["registry.k8s.io", "quay.io"],
        mirror: {
          address: `127.0.0.1:${innerPort}`,
          scheme: "http",
          layout: { prefix: "k0rdent-enterprise" },
        },
      },
    });
    const images = [
      "registry.k8s.io/pause:3.9",
      "quay.io/k0sproject/coredns:1.12.2",
      "quay.io/other:3.9",
    ];
    putCatalog({
      ...inventory,
      catalog: {
        format: "plain-list",
        images,
        registries: [
          { host: "quay.io", images: 2 },
          { host: "registry.k8s.io", images: 1 },
        ],
      },
    });
    // the address and prefix follow the mirror's; reached through the node
    putRegistrySettings({ ...inventory, input: { credentials: { kind: "none" }, via: "jump" } });
  });

  test("repositories page by page, through the node, until the last page", async () => {
    const seen: string[] = [];
    let last: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await listRepositories(inventory, 2, last);
      assert.ok(page.items.length <= 2);
      seen.push(...page.items);
      pages++;
      if (page.next === null) break;
      last = page.next;
    }
    assert.deepEqual(
      seen,
      [
        ...repositories.slice(0, 4),
        "k0rdent-enterprise/k0sproject/coredns",
        "k0rdent-enterprise/pause",
      ].sort(),
    );
    assert.ok(pages >= 3, `${pages} pages`);
  });

  test("tags page by page", async () => {
    const first = await listTags(inventory, "k0rdent-enterprise/pause", 3);
    assert.deepEqual(first.items, ["1.0", "1.1", "1.2"]);
    assert.equal(first.next, "1.2");
    const second = await listTags(inventory, "k0rdent-enterprise/pause", 3, "1.2");
    assert.deepEqual(second.items, ["2.0", "3.9"]);
    assert.equal(second.next, null);
  });

  test("a reference: digest, media type, size and the requests that land on it", async () => {
    const details = await describeReference(inventory, "k0rdent-enterprise/pause:3.9");
    assert.equal(details.digest, pause.top.digest);
    assert.equal(details.mediaType, pause.top.mediaType);
    const blobBytes = [...pause.blobs.values()].reduce((sum, b) => sum + b.length, 0);
    assert.equal(details.totalSize, blobBytes);
    assert.deepEqual(details.platforms, []);
    assert.deepEqual(details.requests, [
      {
        image: "registry.k8s.io/pause:3.9",
        url: `http://127.0.0.1:${innerPort}/v2/k0rdent-enterprise/pause/manifests/3.9?ns=registry.k8s.io`,
      },
    ]);
  });

  test("an index: its platforms, each with its size", async () => {
    const details = await describeReference(
      inventory,
      "k0rdent-enterprise/k0sproject/coredns:1.12.2",
    );
    assert.deepEqual(
      details.platforms.map((p) => [p.platform, p.digest]),
      coredns.children.map((c) => [`linux/${c.platform?.architecture}`, c.digest]),
    );
    const all = [...coredns.blobs.values()].reduce((sum, b) => sum + b.length, 0);
    assert.equal(details.totalSize, all);
    assert.equal(details.requests[0]?.image, "quay.io/k0sproject/coredns:1.12.2");
    const byDigest = await describeReference(
      inventory,
      `k0rdent-enterprise/k0sproject/coredns@${coredns.top.digest}`,
    );
    assert.equal(byDigest.digest, coredns.top.digest);
  });

  test("names that are no repository or reference are refused before any request", async () => {
    await assert.rejects(listTags(inventory, "../etc", 10), /"..\/etc" is not a repository name/);
    await assert.rejects(
      describeReference(inventory, "a/one:bad?tag"),
      /is not a reference \(repository:tag/,
    );
    await assert.rejects(describeReference(inventory, "a/one:9.9"), /HTTP 404/);
  });
});
