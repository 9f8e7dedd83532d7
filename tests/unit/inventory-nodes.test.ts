import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { inspect } from "node:util";
import { runFleetChecks } from "@/lib/checks/service";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { InventoryError } from "@/lib/inventory/errors";
import { nodeConnection } from "@/lib/inventory/node-connection";
import {
  createNode,
  deleteNode,
  duplicateNode,
  getNode,
  listNodes,
  updateNode,
} from "@/lib/inventory/nodes";
import { loadSecretKey, type SecretKey } from "@/lib/inventory/secrets";
import type { NodeInput } from "@/lib/inventory/types";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function store(): { db: Database; key: SecretKey; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-nodes-"));
  dirs.push(dir);
  return { db: openDatabase(dir), key: loadSecretKey(dir), dir };
}

const KEY_MARKER = "MARKERprivateKeyMaterial7f3a";
const privateKey = (marker = KEY_MARKER) =>
  `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${marker}\n-----END OPENSSH PRIVATE KEY-----\n`;
const PASSPHRASE = "pass-phrase-9c1d";
const SUDO_PASSWORD = "sudo-password-22aa";
const BASTION_PASSWORD = "bastion-password-5e6f";
const SECRETS = [KEY_MARKER, PASSPHRASE, SUDO_PASSWORD, BASTION_PASSWORD];

const cp1: NodeInput = {
  name: "cp-1",
  address: "10.0.0.11",
  user: "ubuntu",
  role: "controller",
  labels: { rack: "r1" },
  auth: { kind: "key", privateKey: privateKey(), passphrase: PASSPHRASE },
  sudo: { mode: "stored", password: SUDO_PASSWORD },
  bastion: {
    address: "jump.example",
    user: "jump",
    auth: { kind: "password", password: BASTION_PASSWORD },
  },
};

const FP = (char: string) => `SHA256:${char.repeat(43)}`;

describe("node CRUD", () => {
  test("create → get/list return the public view with defaults", () => {
    const { db, key } = store();
    const created = createNode({
      db,
      key,
      input: { name: "w-1", address: "w-1.example", role: "worker" },
    });
    assert.equal(created.port, 22);
    assert.equal(created.user, "root");
    assert.deepEqual(created.sudo, { mode: "none" });
    assert.deepEqual(created.auth, { kind: "key", hasSecret: false, hasPassphrase: false });
    assert.equal(created.bastion, null);
    assert.deepEqual(getNode({ db, name: "w-1" }), created);
    createNode({ db, key, input: cp1 });
    assert.deepEqual(
      listNodes({ db }).map((node) => node.name),
      ["cp-1", "w-1"],
    );
    assert.equal(getNode({ db, name: "missing" }), null);
  });

  test("a non-root user defaults to passwordless sudo", () => {
    const { db, key } = store();
    const node = createNode({
      db,
      key,
      input: { name: "n", address: "10.0.0.1", user: "ubuntu", role: "worker" },
    });
    assert.deepEqual(node.sudo, { mode: "passwordless" });
  });

  test("the public view says a secret exists, never what it is", () => {
    const { db, key } = store();
    const node = createNode({ db, key, input: cp1 });
    assert.deepEqual(node.auth, { kind: "key", hasSecret: true, hasPassphrase: true });
    assert.deepEqual(node.bastion?.auth, {
      kind: "password",
      hasSecret: true,
      hasPassphrase: false,
    });
    assert.deepEqual(node.sudo, { mode: "stored" });
    const json = JSON.stringify([node, listNodes({ db }), getNode({ db, name: "cp-1" })]);
    for (const secret of SECRETS) assert.ok(!json.includes(secret), `${secret} in NodePublic JSON`);
  });

  test("secrets are encrypted in the database file, column by column", () => {
    const { db, key, dir } = store();
    createNode({ db, key, input: cp1 });
    const raw = db
      .prepare("SELECT auth_secret, auth_passphrase, sudo_password, bastion_secret FROM nodes")
      .get() as Record<string, string>;
    for (const value of Object.values(raw)) assert.match(value, /^v1:/);
    // the bytes on disk, main file and write-ahead log alike
    const files = readdirSync(dir).filter((file) => file.startsWith("console.sqlite"));
    assert.ok(files.length > 0);
    const bytes = Buffer.concat(files.map((file) => readFileSync(path.join(dir, file))));
    assert.ok(bytes.includes(Buffer.from("10.0.0.11")), "sanity: the plain address is on disk");
    for (const secret of SECRETS)
      assert.ok(!bytes.includes(Buffer.from(secret)), `${secret} on disk`);
    db.close();
  });

  test("delete removes the node; a missing one is not_found", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    deleteNode({ db, name: "cp-1" });
    assert.equal(getNode({ db, name: "cp-1" }), null);
    assert.throws(() => deleteNode({ db, name: "cp-1" }), { code: "not_found" });
  });

  test("a taken name is a conflict", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    assert.throws(
      () => createNode({ db, key, input: { ...cp1, address: "10.0.0.99" } }),
      (error: unknown) =>
        error instanceof InventoryError && error.code === "conflict" && /cp-1/.test(error.message),
    );
  });
});

describe("validation names the field", () => {
  const { db, key } = store();
  const cases: [string, Partial<NodeInput> & Record<string, unknown>, string][] = [
    ["name", { name: "-bad" }, "name"],
    ["name ending in a dot", { name: "node." }, "name"],
    ["name with a space", { name: "a b" }, "name"],
    ["address", { address: "not an address" }, "address"],
    ["address that is a bad IPv4", { address: "10.0.0.256" }, "address"],
    ["address with a port", { address: "10.0.0.1:22" }, "address"],
    ["port 0", { port: 0 }, "port"],
    ["port 65536", { port: 65536 }, "port"],
    ["user that looks like an option", { user: "-oProxyCommand=x" }, "user"],
    ["role", { role: "boss" as never }, "role"],
    [
      "registry address with a scheme",
      { registryAddress: "http://10.0.0.5:5000" },
      "registryAddress",
    ],
    ["label with ';'", { labels: { rack: "a;b" } }, "labels.rack"],
    [
      "public key pasted as private",
      { auth: { kind: "key", privateKey: "ssh-ed25519 AAAAC3Nz user@host" } },
      "auth.privateKey",
    ],
    ["bastion port", { bastion: { address: "jump", user: "j", port: 70000 } }, "bastion.port"],
    ["fingerprint", { expectedFingerprint: "MD5:aa:bb" }, "expectedFingerprint"],
    ["unknown field", { adress: "typo" }, ""],
  ];
  for (const [label, change, field] of cases) {
    test(label, () => {
      assert.throws(
        () => createNode({ db, key, input: { ...cp1, name: "v", ...change } as NodeInput }),
        (error: unknown) =>
          error instanceof InventoryError &&
          error.code === "invalid" &&
          error.issues.some((issue) => issue.field === field) &&
          SECRETS.every((secret) => !error.message.includes(secret)),
      );
    });
  }

  test("IPv4, IPv6 and hostnames are addresses", () => {
    for (const [index, address] of [
      "192.168.1.10",
      "fd00::10",
      "::1",
      "node-1.dc1.example",
    ].entries()) {
      const node = createNode({
        db,
        key,
        input: { name: `addr-${index}`, address, role: "worker" },
      });
      assert.equal(node.address, address);
    }
  });
});

describe("updateNode (PATCH)", () => {
  test("omitted auth keeps the stored secrets; other fields change", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    const updated = updateNode({
      db,
      key,
      name: "cp-1",
      patch: { role: "controller+worker", labels: { rack: "r2" } },
    });
    assert.equal(updated.role, "controller+worker");
    assert.deepEqual(updated.labels, { rack: "r2" });
    const connection = nodeConnection({ db, key, name: "cp-1" });
    assert.deepEqual(connection.auth, {
      kind: "key",
      privateKey: privateKey(),
      passphrase: PASSPHRASE,
    });
    assert.deepEqual(connection.sudo, { mode: "stored", password: SUDO_PASSWORD });
    assert.deepEqual(connection.bastion?.auth, { kind: "password", password: BASTION_PASSWORD });
  });

  test("a new auth replaces the secret; agent clears it", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    updateNode({
      db,
      key,
      name: "cp-1",
      patch: { auth: { kind: "key", privateKey: privateKey("OTHERKEY") } },
    });
    assert.deepEqual(nodeConnection({ db, key, name: "cp-1" }).auth, {
      kind: "key",
      privateKey: privateKey("OTHERKEY"),
    });
    const agent = updateNode({ db, key, name: "cp-1", patch: { auth: { kind: "agent" } } });
    assert.deepEqual(agent.auth, { kind: "agent", hasSecret: false, hasPassphrase: false });
    const raw = db.prepare("SELECT auth_secret, auth_passphrase FROM nodes").get();
    assert.deepEqual(raw, { auth_secret: null, auth_passphrase: null });
  });

  test("a bastion without auth keeps its stored secret; null removes the bastion", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    const moved = updateNode({
      db,
      key,
      name: "cp-1",
      patch: { bastion: { address: "jump2.example", user: "jump", port: 2222 } },
    });
    assert.deepEqual(
      moved.bastion && [moved.bastion.address, moved.bastion.port, moved.bastion.auth.hasSecret],
      ["jump2.example", 2222, true],
    );
    assert.deepEqual(nodeConnection({ db, key, name: "cp-1" }).bastion?.auth, {
      kind: "password",
      password: BASTION_PASSWORD,
    });
    assert.equal(updateNode({ db, key, name: "cp-1", patch: { bastion: null } }).bastion, null);
    assert.equal(db.prepare("SELECT bastion_secret FROM nodes").pluck().get(), null);
  });

  test("rename to a free name works; to a taken one is a conflict", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    createNode({ db, key, input: { name: "w-1", address: "10.0.0.21", role: "worker" } });
    const renamed = updateNode({ db, key, name: "cp-1", patch: { name: "cp-01" } });
    assert.equal(renamed.name, "cp-01");
    assert.equal(getNode({ db, name: "cp-1" }), null);
    assert.equal(nodeConnection({ db, key, name: "cp-01" }).auth?.kind, "key");
    assert.throws(() => updateNode({ db, key, name: "cp-01", patch: { name: "w-1" } }), {
      code: "conflict",
    });
    assert.throws(() => updateNode({ db, key, name: "nope", patch: { role: "worker" } }), {
      code: "not_found",
    });
  });

  test("a new address clears the pinned host key; a label change does not", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    db.prepare(
      "UPDATE nodes SET host_key_type = 'ssh-ed25519', host_key_fingerprint = ?, host_key_trusted_at = 'then'",
    ).run(FP("a"));
    assert.notEqual(updateNode({ db, key, name: "cp-1", patch: { labels: {} } }).hostKey, null);
    assert.equal(
      updateNode({ db, key, name: "cp-1", patch: { address: "10.0.0.12" } }).hostKey,
      null,
    );
  });
});

describe("duplicateNode", () => {
  test("copies access under a new name, without the host key pin", () => {
    const { db, key } = store();
    createNode({ db, key, input: { ...cp1, expectedFingerprint: FP("b") } });
    db.prepare(
      "UPDATE nodes SET host_key_type = 'ssh-ed25519', host_key_fingerprint = ?, host_key_trusted_at = 'then'",
    ).run(FP("b"));
    const copy = duplicateNode({ db, name: "cp-1", newName: "cp-2", address: "10.0.0.12" });
    assert.equal(copy.name, "cp-2");
    assert.equal(copy.hostKey, null);
    assert.equal(copy.expectedFingerprint, null);
    assert.deepEqual(copy.labels, { rack: "r1" });
    assert.deepEqual(
      nodeConnection({ db, key, name: "cp-2" }).auth,
      nodeConnection({ db, key, name: "cp-1" }).auth,
    );
    assert.throws(
      () => duplicateNode({ db, name: "cp-1", newName: "cp-2", address: "10.0.0.13" }),
      { code: "conflict", message: 'a node named "cp-2" already exists' },
    );
    assert.throws(() => duplicateNode({ db, name: "cp-1", newName: "bad name" }), {
      code: "invalid",
    });
  });

  test("a new address is part of the copy; a bad one leaves nothing behind", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    const copy = duplicateNode({ db, name: "cp-1", newName: "cp-2", address: "10.0.0.12" });
    assert.equal(copy.address, "10.0.0.12");
    assert.throws(
      () => duplicateNode({ db, name: "cp-1", newName: "cp-3", address: "10.0.0.256" }),
      { code: "invalid" },
    );
    assert.deepEqual(
      listNodes({ db }).map((node) => node.name),
      ["cp-1", "cp-2"],
    );
  });
});

describe("nodeConnection", () => {
  test("decrypts everything the SSH client needs", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    const connection = nodeConnection({ db, key, name: "cp-1" });
    assert.equal(connection.address, "10.0.0.11");
    assert.equal(connection.user, "ubuntu");
    assert.deepEqual(
      connection.bastion && [
        connection.bastion.address,
        connection.bastion.port,
        connection.bastion.user,
      ],
      ["jump.example", 22, "jump"],
    );
  });

  test("a node without an uploaded key has auth null", () => {
    const { db, key } = store();
    createNode({ db, key, input: { name: "w", address: "10.0.0.3", role: "worker" } });
    assert.equal(nodeConnection({ db, key, name: "w" }).auth, null);
  });

  test("JSON.stringify and inspect show no secret", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    const connection = nodeConnection({ db, key, name: "cp-1" });
    const shown = `${JSON.stringify({ connection })} ${inspect(connection)} ${inspect({ connection })}`;
    assert.match(shown, /cp-1/);
    for (const secret of SECRETS) assert.ok(!shown.includes(secret), `${secret} shown`);
  });

  test("a tampered stored secret fails clearly", () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    const stored = db.prepare("SELECT auth_secret FROM nodes").pluck().get() as string;
    const tampered = `${stored.slice(0, -4)}${stored.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    db.prepare("UPDATE nodes SET auth_secret = ?").run(tampered);
    assert.throws(() => nodeConnection({ db, key, name: "cp-1" }), /cannot be decrypted/);
    assert.throws(
      () => nodeConnection({ db, key, name: "cp-1" }),
      /node cp-1: enter its key or password again on the Fleet page/,
    );
  });

  test("a check run fails only the node whose secret cannot be decrypted, and says what to do", async () => {
    const { db, key } = store();
    createNode({ db, key, input: cp1 });
    db.prepare("UPDATE nodes SET auth_secret = 'v1:garbage'").run();
    const results = await runFleetChecks({ db, key, nodes: ["cp-1"] });
    assert.deepEqual(
      results.map((result) => [result.node, result.check, result.status]),
      [["cp-1", "ssh.auth", "fail"]],
    );
    assert.match(results[0]?.reason ?? "", /node cp-1: enter its key or password again/);
  });
});
