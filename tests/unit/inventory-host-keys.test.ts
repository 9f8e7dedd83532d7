import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { openDatabase } from "@/lib/inventory/db";
import { clearHostKey, pinHostKey, setBastionHostKey } from "@/lib/inventory/host-keys";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { createNode, getNode } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function store() {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-hostkeys-"));
  dirs.push(dir);
  const db = openDatabase(dir);
  const key = loadSecretKey(dir);
  createNode({ db, key, input: { name: "n1", address: "10.0.0.1", role: "worker" } });
  createNode({
    db,
    key,
    input: {
      name: "n2",
      address: "10.0.0.2",
      role: "worker",
      // pasted without the prefix and with padding: stored in OpenSSH's form
      expectedFingerprint: ` ${"e".repeat(43)}= `,
    },
  });
  createNode({
    db,
    key,
    input: {
      name: "n3",
      address: "10.0.0.3",
      role: "worker",
      bastion: { address: "jump", user: "j" },
    },
  });
  return { db, key };
}
const FP = (char: string) => `SHA256:${char.repeat(43)}`;

describe("host key pins", () => {
  test("pin, read back, clear", () => {
    const { db, key } = store();
    const pin = pinHostKey({
      db,
      name: "n1",
      hostKey: { type: "ssh-ed25519", fingerprint: FP("a") },
    });
    assert.equal(pin.fingerprint, FP("a"));
    assert.ok(!Number.isNaN(Date.parse(pin.trustedAt)));
    assert.deepEqual(getNode({ db, name: "n1" })?.hostKey, pin);
    assert.deepEqual(nodeConnection({ db, key, name: "n1" }).hostKey, pin);
    clearHostKey({ db, name: "n1" });
    assert.equal(getNode({ db, name: "n1" })?.hostKey, null);
  });

  test("the expected fingerprint is stored normalised and enforced when pinning", () => {
    const { db } = store();
    assert.equal(getNode({ db, name: "n2" })?.expectedFingerprint, FP("e"));
    assert.throws(
      () => pinHostKey({ db, name: "n2", hostKey: { type: "ssh-ed25519", fingerprint: FP("f") } }),
      { code: "conflict" },
    );
    assert.equal(getNode({ db, name: "n2" })?.hostKey, null);
    pinHostKey({ db, name: "n2", hostKey: { type: "ssh-ed25519", fingerprint: FP("e") } });
    assert.equal(getNode({ db, name: "n2" })?.hostKey?.fingerprint, FP("e"));
  });

  test("bad input and unknown nodes are refused", () => {
    const { db } = store();
    assert.throws(
      () => pinHostKey({ db, name: "n1", hostKey: { type: "ssh-ed25519", fingerprint: "MD5:00" } }),
      {
        code: "invalid",
      },
    );
    assert.throws(
      () => pinHostKey({ db, name: "x", hostKey: { type: "ssh-rsa", fingerprint: FP("a") } }),
      {
        code: "not_found",
      },
    );
    assert.throws(() => clearHostKey({ db, name: "x" }), { code: "not_found" });
  });

  test("the bastion's key is pinned separately; a node without a bastion is refused", () => {
    const { db } = store();
    const pin = setBastionHostKey({
      db,
      name: "n3",
      hostKey: { type: "ecdsa-sha2-nistp256", fingerprint: FP("c") },
    });
    assert.deepEqual(getNode({ db, name: "n3" })?.bastion?.hostKey, pin);
    assert.equal(getNode({ db, name: "n3" })?.hostKey, null);
    assert.equal(setBastionHostKey({ db, name: "n3", hostKey: null }), null);
    assert.equal(getNode({ db, name: "n3" })?.bastion?.hostKey, null);
    assert.throws(
      () =>
        setBastionHostKey({ db, name: "n1", hostKey: { type: "ssh-rsa", fingerprint: FP("a") } }),
      {
        code: "invalid",
      },
    );
  });
});
