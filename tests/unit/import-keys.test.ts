import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { parseInventory } from "@/lib/inventory/import";
import { keyPathCandidates } from "@/lib/inventory/import/key-path";
import { readImportKeys } from "@/lib/inventory/import-keys";
import { openKeysFolder } from "@/lib/inventory/key-folder";

describe("where a keyPath is looked for inside the keys folder", () => {
  const cases: [string, string[]][] = [
    ["~/.ssh/id_ed25519", [".ssh/id_ed25519", "id_ed25519"]],
    ["~/keys/dc1/id_rsa", ["keys/dc1/id_rsa", "id_rsa"]],
    ["./id_rsa_k0s", ["id_rsa_k0s"]],
    ["keys/id_rsa", ["keys/id_rsa", "id_rsa"]],
    ["/home/me/.ssh/id_ecdsa", ["id_ecdsa"]],
    ["C:\\Users\\me\\.ssh\\id_ed25519", ["id_ed25519"]],
    // refused: no candidate at all, the same answer as a missing file
    ["~/../../etc/shadow", []],
    ["../secret.key", []],
    ["/home/me/../../proc/self/environ", []],
    ["~", []],
    ["/", []],
    ["", []],
    ["id\nrsa", []],
    ["~/.ssh/id rsa", []],
    ["~/$(reboot)", []],
  ];
  for (const [keyPath, expected] of cases) {
    test(JSON.stringify(keyPath), () => assert.deepEqual(keyPathCandidates(keyPath), expected));
  }
  test("an absolute path only ever gives its base name", () => {
    assert.deepEqual(keyPathCandidates("/proc/self/environ"), ["environ"]);
  });
});

describe("keys read from the keys folder into an import", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "import-keys-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const keys = path.join(scratch, "keys");
  const dataDir = path.join(scratch, "data");
  const outside = path.join(scratch, "outside");
  for (const dir of [keys, path.join(keys, ".ssh"), dataDir, outside]) mkdirSync(dir);
  const key = (name: string) =>
    `-----BEGIN OPENSSH PRIVATE KEY-----\nplanted-${name}\n-----END OPENSSH PRIVATE KEY-----\n`;
  writeFileSync(path.join(keys, "id_ed25519"), key("base"));
  writeFileSync(path.join(keys, ".ssh", "jump"), key("jump"));
  writeFileSync(path.join(keys, "notes.txt"), "not a key\n");
  writeFileSync(path.join(outside, "id_out"), key("outside"));
  writeFileSync(path.join(dataDir, "secret.key"), key("data"));
  symlinkSync(path.join(outside, "id_out"), path.join(keys, "id_link_out"));
  symlinkSync(outside, path.join(keys, "dir_out"));
  symlinkSync("/proc/self/environ", path.join(keys, "environ"));
  symlinkSync("id_ed25519", path.join(keys, "id_alias"));
  const folder = openKeysFolder(keys, dataDir);

  const k0sctl = (keyPath: string, bastionKey = "~/.ssh/jump") =>
    `apiVersion: k0sctl.k0sproject.io/v1beta1
kind: cluster
spec:
  hosts:
  - role: worker
    ssh:
      address: 10.0.0.1
      keyPath: ${JSON.stringify(keyPath)}
      bastion:
        address: 10.0.0.254
        keyPath: ${bastionKey}
`;
  const rowOf = (keyPath: string, into = folder) => {
    const row = readImportKeys(parseInventory(k0sctl(keyPath)), into).rows[0];
    assert.ok(row?.node, JSON.stringify(row));
    return row;
  };

  test("~/.ssh/id_x is found by its base name; the bastion's by its relative path", () => {
    const row = rowOf("~/.ssh/id_ed25519");
    assert.deepEqual(row.node?.auth, { kind: "key", privateKey: key("base") });
    assert.deepEqual(row.node?.bastion?.auth, { kind: "key", privateKey: key("jump") });
    assert.ok(row.notes.includes("key read from id_ed25519"));
    assert.ok(row.notes.includes("bastion key read from .ssh/jump"));
    assert.equal(row.keyFiles, undefined);
  });

  test("a link inside the folder to a key inside it is read", () => {
    assert.deepEqual(rowOf("id_alias").node?.auth, { kind: "key", privateKey: key("base") });
  });

  const refused = [
    ["outside the folder", path.join(outside, "id_out")],
    ["a relative path out", "../outside/id_out"],
    ["a symlink out", "id_link_out"],
    ["a folder symlinked out", "dir_out/id_out"],
    ["/proc", "/proc/self/environ"],
    ["the data folder", path.join(dataDir, "secret.key")],
    ["a missing file", "~/.ssh/id_none"],
  ];
  for (const [label, keyPath] of refused) {
    test(`refused with the one message: ${label}`, () => {
      const row = rowOf(String(keyPath));
      assert.equal(row.node?.auth, null);
      assert.ok(
        row.notes.includes(
          `keyPath ${keyPath}: no such key in the keys folder (CONSOLE_SSH_KEYS_DIR): copy it there or upload the key`,
        ),
        row.notes.join("\n"),
      );
    });
  }

  test("a file of the folder that is not a private key says so", () => {
    const row = rowOf("notes.txt");
    assert.equal(row.node?.auth, null);
    assert.ok(
      row.notes.includes("keyPath notes.txt: notes.txt in the keys folder is not a private key"),
    );
  });

  test("without a keys folder, nothing is read and the row says what to do", () => {
    const row = rowOf("~/.ssh/id_ed25519", null);
    assert.equal(row.node?.auth, null);
    assert.ok(
      row.notes.includes("keyPath ~/.ssh/id_ed25519: upload the key or set CONSOLE_SSH_KEYS_DIR"),
    );
  });

  test("a keys folder that is /proc, the root, the data folder or inside it is not used", () => {
    for (const dir of ["/proc", "/proc/self", "/", dataDir, path.join(dataDir, "."), "/sys"]) {
      assert.equal(openKeysFolder(dir, dataDir), null, dir);
    }
    assert.equal(openKeysFolder(path.join(scratch, "missing"), dataDir), null);
    assert.equal(openKeysFolder(undefined, dataDir), null);
  });
});
