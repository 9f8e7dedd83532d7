import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import { runFleetChecks } from "@/lib/checks/service";
import { trustHostKey } from "@/lib/fleet/trust-host-key";
import type { Database } from "@/lib/inventory/db";
import { getNode } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import { putCatalog, putFleetSettings } from "@/lib/inventory/settings";
import type { CheckResult } from "@/lib/inventory/types";
import { seedWithK0sImages } from "../lab/k0s-seed";
import { addLabNodes, type LabNodeInput, labInventory } from "../lab/lab-inventory";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";

const CATALOG = [
  "registry.k8s.io/pause:3.9",
  "quay.io/calico/node:v3.29.4",
  "docker.io/library/busybox:1.36",
  "quay.io/k0sproject/coredns:1.12.2",
];
const REGULAR = Array.from({ length: 8 }, (_, i) => `node-${i + 1}`);

let lab: SshLab;
let dataDir: string;
let db: Database;
let key: SecretKey;
let lackingRegistry: string;

before(async () => {
  lab = await startSshLab({
    hosts: [
      ...REGULAR.map((name) => ({ name })),
      { name: "no-registry" },
      { name: "lacking" },
      { name: "no-forwarding", forwarding: false },
      { name: "sudoer" },
      { name: "untrusted" },
      { name: "hidden", behind: "node-8" },
    ],
    seed: seedWithK0sImages("1.32.8"),
  });
  lackingRegistry = (
    await lab.startRegistry({
      name: "lacking",
      port: 5001,
      seed: seedWithK0sImages("1.32.8").filter((ref) => !ref.startsWith("k0sproject/")),
    })
  ).address;
  await lab.blockPort("no-registry", 5000, { direction: "out" });
  ({ dir: dataDir, db, key } = labInventory("preflight-"));
  putFleetSettings({
    db,
    settings: {
      k0sVersion: "1.32.8",
      registries: ["registry.k8s.io", "quay.io", "docker.io"],
      mirror: { address: lab.registryAddress ?? "", scheme: "http" },
    },
  });
  putCatalog({ db, catalog: { format: "plain-list", images: CATALOG, registries: [] } });
  addLabNodes({ db, key }, lab, (host) => {
    const input: LabNodeInput = {
      role: host.name === "node-1" ? "controller+worker" : "worker",
      expectedFingerprint: host.name === "untrusted" ? null : host.fingerprint,
      registryAddress: host.name === "lacking" ? lackingRegistry : null,
    };
    if (host.name === "hidden") {
      const bastion = lab.host("node-8");
      input.bastion = {
        address: bastion.address,
        user: "root",
        auth: { kind: "key", privateKey: lab.keys.rsa.privateKey },
      };
    }
    if (host.name === "sudoer") {
      Object.assign(input, {
        user: "deploy",
        auth: { kind: "password", password: lab.users.deploy.password },
        sudo: { mode: "ask" },
      });
    }
    return input;
  });
});

after(async () => {
  db?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await lab?.stop();
});

const resultOf = (results: CheckResult[], node: string, check: string) => {
  const result = results.find((r) => r.node === node && r.check === check);
  assert.ok(
    result,
    `${node} has no ${check} result: ${results
      .filter((r) => r.node === node)
      .map((r) => `${r.check}=${r.status}`)
      .join(", ")}`,
  );
  return result;
};

test("pre-flight on 14 hosts at once: each failure is explained on its own node", async () => {
  const results = await runFleetChecks({
    db,
    key,
    nodes: "all",
    sudoPasswords: { sudoer: lab.users.deploy.password },
  });

  for (const node of [...REGULAR, "no-forwarding", "sudoer"]) {
    for (const check of [
      "ssh.reachable",
      "ssh.host-key",
      "ssh.auth",
      "privilege.root",
      "os.arch",
      "registry.reachable",
      "registry.images",
      "fleet.hostname-unique",
      "fleet.machine-id-unique",
    ]) {
      const result = resultOf(results, node, check);
      assert.equal(result.status, "pass", `${node} ${check}: ${result.reason}`);
    }
    assert.ok(getNode({ db, name: node })?.hostKey, `${node}'s key was pinned on first contact`);
  }
  // the test hosts run sshd as PID 1: no systemd, no OpenRC
  assert.equal(resultOf(results, "node-1", "os.init").status, "fail");

  const unreachable = resultOf(results, "no-registry", "registry.reachable");
  assert.equal(unreachable.status, "fail");
  assert.match(unreachable.reason, new RegExp(`cannot reach ${lab.registryAddress}`));

  const lacking = resultOf(results, "lacking", "registry.images");
  assert.equal(lacking.status, "fail");
  assert.match(
    lacking.reason,
    new RegExp(
      `HEAD http://${lackingRegistry}/v2/k0sproject/apiserver-network-proxy-agent/manifests/v0\\.31\\.0\\?ns=quay\\.io → 404`,
    ),
  );
  assert.equal(resultOf(results, "lacking", "registry.reachable").status, "pass");

  assert.match(
    resultOf(results, "no-forwarding", "registry.reachable").evidence,
    /curl\/wget on the node/,
  );

  const untrusted = resultOf(results, "untrusted", "ssh.host-key");
  assert.equal(untrusted.status, "fail");
  assert.ok(
    untrusted.evidence.includes(`presented: ssh-ed25519 ${lab.host("untrusted").fingerprint}`),
  );
  assert.equal(
    results.some((r) => r.node === "untrusted" && r.check === "os.release"),
    false,
    "nothing ran on the untrusted host",
  );
});

test("trusting the shown key pins it, and the next run gets through", async () => {
  const fingerprint = lab.host("untrusted").fingerprint;
  const node = await trustHostKey({ db, key, name: "untrusted", fingerprint });
  assert.equal(node.hostKey?.fingerprint, fingerprint);
  const results = await runFleetChecks({ db, key, nodes: ["untrusted"] });
  assert.equal(resultOf(results, "untrusted", "ssh.host-key").status, "pass");
  assert.equal(resultOf(results, "untrusted", "registry.images").status, "pass");
});

test("a node asking for its sudo password is not checked without it", async () => {
  const results = await runFleetChecks({ db, key, nodes: ["sudoer"] });
  const privilege = resultOf(results, "sudoer", "privilege.root");
  assert.equal(privilege.status, "fail");
  assert.match(privilege.reason, /asked at run time/);
});

test("a changed host key blocks the node with both fingerprints", async () => {
  const old = lab.host("node-2").fingerprint;
  const fresh = await lab.regenerateHostKey("node-2");
  const results = await runFleetChecks({ db, key, nodes: ["node-2"] });
  const hostKey = resultOf(results, "node-2", "ssh.host-key");
  assert.equal(hostKey.status, "fail");
  assert.ok(hostKey.reason.includes(old) && hostKey.reason.includes(fresh), hostKey.reason);
  assert.equal(
    getNode({ db, name: "node-2" })?.hostKey?.fingerprint,
    old,
    "the old pin stays until the user re-trusts",
  );
});

test("a node behind a bastion: the bastion's key is trusted first, then checks go through it", async () => {
  const bastion = lab.host("node-8");
  const first = await runFleetChecks({ db, key, nodes: ["hidden"] });
  const hostKey = resultOf(first, "hidden", "ssh.host-key");
  assert.equal(hostKey.status, "fail");
  assert.ok(hostKey.evidence.includes(bastion.fingerprint), "the bastion's key is the one shown");
  const node = await trustHostKey({ db, key, name: "hidden", fingerprint: bastion.fingerprint });
  assert.equal(node.bastion?.hostKey?.fingerprint, bastion.fingerprint);
  const second = await runFleetChecks({ db, key, nodes: ["hidden"] });
  for (const check of [
    "ssh.host-key",
    "ssh.auth",
    "privilege.root",
    "registry.reachable",
    "registry.images",
  ]) {
    assert.equal(resultOf(second, "hidden", check).status, "pass", check);
  }
  assert.equal(
    getNode({ db, name: "hidden" })?.hostKey?.fingerprint,
    lab.host("hidden").fingerprint,
  );
});
