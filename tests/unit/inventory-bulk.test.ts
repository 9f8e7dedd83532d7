import assert from "node:assert/strict";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { BulkRequestSchema, runBulk } from "@/lib/inventory/bulk";
import { createCredential } from "@/lib/inventory/credentials";
import { openDatabase } from "@/lib/inventory/db";
import { issuesOf } from "@/lib/inventory/errors";
import { knownKeyFor, parseKnownHosts } from "@/lib/inventory/known-hosts";
import { createNode, getNode, listNodes } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function store() {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-bulk-"));
  dirs.push(dir);
  return { db: openDatabase(dir), key: loadSecretKey(dir) };
}

/** a public key line's base64 blob: the type, then random key bytes */
function keyBlob(type: string): string {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, randomBytes(32)]).toString("base64");
}
const fingerprintOf = (base64: string) =>
  `SHA256:${createHash("sha256").update(Buffer.from(base64, "base64")).digest("base64").replace(/=+$/, "")}`;
const hashed = (host: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(host).digest("base64")}`;
};

describe("bulk requests are validated before anything changes", () => {
  const cases: [string, unknown, string][] = [
    ["no action", { nodes: ["a"] }, "action"],
    ["an unknown action", { action: "reboot", nodes: ["a"] }, "action"],
    ["no nodes", { action: "remove", nodes: [] }, "nodes: choose at least one node"],
    ["a node twice", { action: "remove", nodes: ["a", "a"] }, "nodes: a node is named twice"],
    ["a bad name", { action: "remove", nodes: ["a b"] }, "nodes[0]"],
    [
      "an edit of nothing",
      { action: "edit", nodes: ["a"], set: {} },
      "set: choose at least one field",
    ],
    ["an unknown field", { action: "edit", nodes: ["a"], set: { port: 2 } }, "set"],
    ["a bad role", { action: "edit", nodes: ["a"], set: { role: "boss" } }, "set.role"],
    [
      "a bad fingerprint",
      { action: "trust", keys: [{ node: "a", type: "ssh-ed25519", fingerprint: "MD5:x" }] },
      "keys[0].fingerprint",
    ],
    [
      "an empty known_hosts",
      { action: "pin-known-hosts", nodes: ["a"], knownHosts: "" },
      "knownHosts",
    ],
    [
      "too many nodes",
      { action: "remove", nodes: Array.from({ length: 5001 }, (_, i) => `n${i}`) },
      "nodes: at most 5000 nodes at once",
    ],
  ];
  for (const [label, body, expected] of cases) {
    test(label, () => {
      const result = BulkRequestSchema.safeParse(body);
      assert.equal(result.success, false);
      const described = issuesOf(result.error as never).map((i) => `${i.field}: ${i.message}`);
      assert.ok(
        described.some((line) => line.startsWith(expected)),
        `${described.join("\n")} does not start with ${expected}`,
      );
    });
  }
});

describe("known_hosts: the key each node will present", () => {
  const ed = keyBlob("ssh-ed25519");
  const rsa = keyBlob("ssh-rsa");
  const other = keyBlob("ssh-ed25519");
  const text = [
    "# comment",
    `10.0.0.1,web-1 ssh-rsa ${rsa}`,
    `10.0.0.1 ssh-ed25519 ${ed}`,
    `[10.0.0.2]:2222 ssh-ed25519 ${other}`,
    `${hashed("10.0.0.3")} ssh-ed25519 ${ed}`,
    `10.0.1.* ssh-ed25519 ${other}`,
    `10.0.2.*,!10.0.2.9 ssh-ed25519 ${other}`,
    `@cert-authority * ssh-ed25519 ${ed}`,
    `10.0.0.4 ssh-ed25519 ${rsa}`, // the blob says ssh-rsa: not an ed25519 key
    "broken line",
  ].join("\n");
  const entries = parseKnownHosts(text);
  const cases: [string, string, number, string | null][] = [
    ["ed25519 before RSA", "10.0.0.1", 22, fingerprintOf(ed)],
    ["[address]:port for another port", "10.0.0.2", 2222, fingerprintOf(other)],
    ["not on port 22 when listed for 2222", "10.0.0.2", 22, null],
    ["hashed host", "10.0.0.3", 22, fingerprintOf(ed)],
    ["wildcard", "10.0.1.7", 22, fingerprintOf(other)],
    ["negated", "10.0.2.9", 22, null],
    ["a key whose blob is of another type is skipped", "10.0.0.4", 22, null],
    ["unknown host (a CA line is not a host key)", "10.9.9.9", 22, null],
  ];
  for (const [label, address, port, expected] of cases) {
    test(label, () =>
      assert.equal(knownKeyFor(entries, address, port)?.fingerprint ?? null, expected),
    );
  }
});

describe("bulk operations, each node on its own", () => {
  const { db, key } = store();
  for (let index = 1; index <= 4; index += 1) {
    createNode({
      db,
      key,
      input: {
        name: `n${index}`,
        address: `10.0.0.${index}`,
        port: index === 2 ? 2222 : 22,
        role: "worker",
        labels: { zone: "a", rack: `r${index}` },
        auth: { kind: "agent" },
      },
    });
  }
  createCredential({ db, key, input: { name: "ops", auth: { kind: "agent" } } });

  test("trust: the reviewed fingerprints are pinned; an unknown node is its own failure", () => {
    const ed = keyBlob("ssh-ed25519");
    const results = runBulk({
      db,
      key,
      request: {
        action: "trust",
        keys: [
          { node: "n1", type: "ssh-ed25519", fingerprint: fingerprintOf(ed) },
          { node: "ghost", type: "ssh-ed25519", fingerprint: fingerprintOf(ed) },
        ],
      },
    });
    assert.deepEqual(
      results.map((r) => r.outcome),
      ["done", "failed"],
    );
    assert.equal(getNode({ db, name: "n1" })?.hostKey?.fingerprint, fingerprintOf(ed));
  });

  test("pin-known-hosts: matched by address and port; a node it does not list says so", () => {
    const two = keyBlob("ssh-ed25519");
    const three = keyBlob("ecdsa-sha2-nistp256");
    const results = runBulk({
      db,
      key,
      request: {
        action: "pin-known-hosts",
        nodes: ["n2", "n3", "n4"],
        knownHosts: `[10.0.0.2]:2222 ssh-ed25519 ${two}\n10.0.0.3 ecdsa-sha2-nistp256 ${three}\n`,
      },
    });
    assert.deepEqual(results, [
      { node: "n2", outcome: "done", fingerprint: fingerprintOf(two) },
      { node: "n3", outcome: "done", fingerprint: fingerprintOf(three) },
      { node: "n4", outcome: "failed", message: "the known_hosts has no key for 10.0.0.4" },
    ]);
    assert.equal(getNode({ db, name: "n3" })?.hostKey?.type, "ecdsa-sha2-nistp256");
  });

  test("edit: role, labels merged and removed, registry address and credential", () => {
    const results = runBulk({
      db,
      key,
      request: {
        action: "edit",
        nodes: ["n1", "n2"],
        set: {
          role: "controller",
          labels: { zone: "b", tier: "cp" },
          removeLabels: ["rack"],
          registryAddress: "10.0.0.100:5000",
          credential: "ops",
        },
      },
    });
    assert.deepEqual(
      results.map((r) => r.outcome),
      ["done", "done"],
    );
    const n2 = getNode({ db, name: "n2" });
    assert.deepEqual(
      [n2?.role, n2?.labels, n2?.registryAddress, n2?.credential],
      ["controller", { zone: "b", tier: "cp" }, "10.0.0.100:5000", "ops"],
    );
    assert.equal(getNode({ db, name: "n3" })?.role, "worker", "others unchanged");
  });

  test("edit: a refusal of one node (unknown credential) is its result, nothing half-done", () => {
    const results = runBulk({
      db,
      key,
      request: { action: "edit", nodes: ["n3"], set: { credential: "nope", role: "single" } },
    });
    assert.deepEqual(results, [
      { node: "n3", outcome: "failed", message: 'credential: no credential named "nope"' },
    ]);
    assert.equal(getNode({ db, name: "n3" })?.role, "worker");
  });

  test("remove: many at once; a missing one is reported", () => {
    const results = runBulk({ db, key, request: { action: "remove", nodes: ["n3", "n4", "n9"] } });
    assert.deepEqual(
      results.map((r) => r.outcome),
      ["done", "done", "failed"],
    );
    assert.deepEqual(
      listNodes({ db }).map((node) => node.name),
      ["n1", "n2"],
    );
  });
});
