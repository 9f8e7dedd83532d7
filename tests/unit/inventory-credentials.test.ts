import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { accessChanges } from "@/lib/inventory/access-change";
import {
  createCredential,
  deleteCredential,
  getCredential,
  listCredentials,
  updateCredential,
} from "@/lib/inventory/credentials";
import { openDatabase } from "@/lib/inventory/db";
import { parseInventory } from "@/lib/inventory/import";
import { assignCredential } from "@/lib/inventory/import/credential";
import { importNodes } from "@/lib/inventory/import-nodes";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { createNode, duplicateNode, getNode, updateNode } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function store() {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-credentials-"));
  dirs.push(dir);
  return { db: openDatabase(dir), key: loadSecretKey(dir), dir };
}
const keyText = (marker: string) =>
  `-----BEGIN OPENSSH PRIVATE KEY-----\n${marker}\n-----END OPENSSH PRIVATE KEY-----\n`;
const FIRST = "first-key-material-81c2";
const ROTATED = "rotated-key-material-4d0e";
const SUDO = "sudo-secret-6a1b";
const worker = (name: string, address: string) => ({ name, address, role: "worker" as const });

describe("credentials: defined once, assigned to many nodes", () => {
  const { db, key, dir } = store();
  const ops = createCredential({
    db,
    key,
    input: {
      name: "ops",
      auth: { kind: "key", privateKey: keyText(FIRST) },
      sudo: { mode: "stored", password: SUDO },
    },
  });

  test("the public view says what is stored, never the secret", () => {
    assert.deepEqual(ops.auth, { kind: "key", hasSecret: true, hasPassphrase: false });
    assert.deepEqual(ops.sudo, { mode: "stored", hasPassword: true });
    assert.deepEqual(ops.nodes, []);
    assert.doesNotMatch(JSON.stringify(listCredentials({ db })), new RegExp(`${FIRST}|${SUDO}`));
  });

  test("nodes that name it connect with its key and sudo; their view names it", () => {
    createNode({ db, key, input: { ...worker("w1", "10.0.0.1"), credential: "ops" } });
    createNode({ db, key, input: { ...worker("w2", "10.0.0.2"), credential: "ops" } });
    const shown = getNode({ db, name: "w1" });
    assert.equal(shown?.credential, "ops");
    assert.deepEqual(shown?.auth, { kind: "key", hasSecret: true, hasPassphrase: false });
    assert.deepEqual(shown?.sudo, { mode: "stored" });
    const connection = nodeConnection({ db, key, name: "w2" });
    assert.deepEqual(connection.auth, { kind: "key", privateKey: keyText(FIRST) });
    assert.deepEqual(connection.sudo, { mode: "stored", password: SUDO });
    assert.deepEqual(getCredential({ db, name: "ops" }).nodes, ["w1", "w2"]);
  });

  test("one rotation changes every node using it, and marks them changed", () => {
    const before = getNode({ db, name: "w1" })?.updatedAt ?? "";
    updateCredential({
      db,
      key,
      name: "ops",
      patch: { auth: { kind: "key", privateKey: keyText(ROTATED) } },
    });
    for (const name of ["w1", "w2"]) {
      const connection = nodeConnection({ db, key, name });
      assert.deepEqual(connection.auth, { kind: "key", privateKey: keyText(ROTATED) });
      assert.deepEqual(connection.sudo, { mode: "stored", password: SUDO }, "sudo kept");
    }
    assert.ok((getNode({ db, name: "w1" })?.updatedAt ?? "") >= before);
    // the checks ran with the old key: the readiness gate must see them as stale
    const changes = accessChanges({ db });
    for (const name of ["w1", "w2"]) assert.deepEqual(changes.get(name)?.what, ["credentials"]);
  });

  test("a duplicate keeps the credential", () => {
    duplicateNode({ db, name: "w2", newName: "w3", address: "10.0.0.3" });
    assert.equal(getNode({ db, name: "w3" })?.credential, "ops");
  });

  test("in use, it cannot be deleted: 409 naming the nodes", () => {
    assert.throws(
      () => deleteCredential({ db, name: "ops" }),
      (error: Error & { status?: number; details?: unknown }) => {
        assert.equal(error.status, 409);
        assert.match(error.message, /used by 3 nodes \(w1, w2, w3\)/);
        assert.deepEqual(error.details, { nodes: ["w1", "w2", "w3"] });
        return true;
      },
    );
  });

  test("a node given its own auth leaves the credential; credential null too", () => {
    updateNode({ db, key, name: "w3", patch: { auth: { kind: "agent" } } });
    assert.equal(getNode({ db, name: "w3" })?.credential, null);
    assert.deepEqual(nodeConnection({ db, key, name: "w3" }).auth, { kind: "agent" });
    updateNode({ db, key, name: "w2", patch: { credential: null } });
    assert.equal(getNode({ db, name: "w2" })?.credential, null);
  });

  test("refused: an unknown credential, a credential with auth, a taken name", () => {
    assert.throws(
      () => createNode({ db, key, input: { ...worker("w9", "10.0.0.9"), credential: "nope" } }),
      /credential: no credential named "nope"/,
    );
    assert.throws(
      () =>
        updateNode({ db, key, name: "w1", patch: { credential: "ops", auth: { kind: "agent" } } }),
      /credential: a node uses a credential or its own auth and sudo, not both/,
    );
    assert.throws(
      () => createCredential({ db, key, input: { name: "ops", auth: { kind: "agent" } } }),
      /a credential named "ops" already exists/,
    );
    assert.throws(() => getCredential({ db, name: "nope" }), { status: 404 });
  });

  test("unused, it is deleted; secrets are encrypted at rest", () => {
    updateNode({ db, key, name: "w1", patch: { credential: null } });
    createCredential({
      db,
      key,
      input: { name: "spare", auth: { kind: "password", password: FIRST } },
    });
    deleteCredential({ db, name: "spare" });
    assert.deepEqual(
      listCredentials({ db }).map((credential) => credential.name),
      ["ops"],
    );
    db.pragma("wal_checkpoint(TRUNCATE)");
    for (const file of readdirSync(dir).filter((name) => name.startsWith("console.sqlite"))) {
      const bytes = readFileSync(path.join(dir, file));
      for (const secret of [FIRST, ROTATED, SUDO]) assert.equal(bytes.includes(secret), false);
    }
  });
});

describe("an import mapped to one credential", () => {
  const { db, key } = store();
  createCredential({ db, key, input: { name: "fleet", auth: { kind: "agent" } } });
  const yaml = `apiVersion: k0sctl.k0sproject.io/v1beta1
kind: cluster
spec:
  hosts:
  - role: worker
    ssh: {address: 10.1.0.1, keyPath: ~/.ssh/id_rsa}
  - role: worker
    ssh: {address: 10.1.0.2}
`;
  const preview = assignCredential(parseInventory(yaml), "fleet");

  test("every row uses it, key files set aside, the note says so", () => {
    for (const row of preview.rows) {
      assert.equal(row.node?.credential, "fleet");
      assert.equal(row.keyFiles, undefined);
      assert.equal(row.notes[0], "access from credential fleet");
      assert.ok(!row.notes.some((note) => /upload/.test(note)), row.notes.join("\n"));
    }
  });

  test("confirmed, the nodes use it", () => {
    const outcomes = importNodes({ db, key, rows: preview.rows });
    assert.deepEqual(
      outcomes.map((outcome) => outcome.outcome),
      ["created", "created"],
    );
    assert.equal(getNode({ db, name: "10.1.0.2" })?.credential, "fleet");
  });
});
