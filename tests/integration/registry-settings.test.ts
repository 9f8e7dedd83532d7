/**
 * The registry setting tried for real: lab registries (plain, TLS with its own CA and htpasswd,
 * the token flow), each problem a person must fix told by name, and a registry that listens only
 * inside a test host's network namespace reached through that host's SSH (direct-tcpip).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { putRegistrySettings } from "@/lib/inventory/registry-settings";
import { testRegistrySettings } from "@/lib/registry/reach";
import type { RegistrySettingsInput } from "@/lib/registry/settings";
import { freePort } from "../lab/console-server";
import { addLabNodes, labInventory } from "../lab/lab-inventory";
import { type LabRun, startLabRun } from "../lab/lab-run";
import { LAB_PASSWORD, LAB_USER, type PushRegistry, startPushRegistry } from "../lab/push-registry";
import { type Registry, startRegistry } from "../lab/registry";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";

let run: LabRun;
let lab: SshLab;
const registries = new Map<string, PushRegistry>();
let inner: Registry;
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
  inner = await startRegistry({
    name: "registry inside jump",
    dir: run.mkdir("inner-registry"),
    listen: { tcp: `127.0.0.1:${innerPort}` },
    netns: lab.host("jump").netns,
  });
});

after(async () => {
  await inner?.stop();
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
