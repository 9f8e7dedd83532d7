/**
 * Attacks on the import's keyPath, against the built console: a k0sctl.yaml can only make the
 * console read a key from its one keys folder (CONSOLE_SSH_KEYS_DIR). A path outside it, a
 * symlink out, the data folder and /proc are all answered with the one "no such key" note, whether
 * the file exists or not; a key read is never sent back, and is stored encrypted.
 */
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type RunningConsole, startConsole } from "../lab/console-server";

const PLANTED = "planted-key-material-3f9a1c";
const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${PLANTED}\n-----END OPENSSH PRIVATE KEY-----\n`;
const OUTSIDE_SECRET = "outside-secret-77d2e0";

let server: RunningConsole;
let scratch: string;
let keys: string;
let outside: string;

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "keypath-attack-"));
  keys = path.join(scratch, "keys");
  outside = path.join(scratch, "outside");
  const dataDir = path.join(scratch, "data");
  for (const dir of [keys, outside, dataDir]) mkdirSync(dir, { mode: 0o700 });
  writeFileSync(path.join(keys, "id_ed25519"), KEY, { mode: 0o600 });
  writeFileSync(path.join(outside, "id_out"), KEY.replace(PLANTED, OUTSIDE_SECRET));
  symlinkSync(path.join(outside, "id_out"), path.join(keys, "id_link"));
  symlinkSync(outside, path.join(keys, "elsewhere"));
  symlinkSync("/proc/self/environ", path.join(keys, "environ"));
  symlinkSync(path.join(dataDir, "secret.key"), path.join(keys, "secret.key"));
  process.env.CONSOLE_SSH_KEYS_DIR = keys;
  server = await startConsole({ dataDir });
});

after(async () => {
  await server?.stop();
  delete process.env.CONSOLE_SSH_KEYS_DIR;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function k0sctl(keyPaths: string[]): string {
  const hosts = keyPaths.map(
    (keyPath, index) => `  - role: worker
    hostname: n${index}
    ssh:
      address: 10.9.0.${index + 1}
      keyPath: ${JSON.stringify(keyPath)}
`,
  );
  return `apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: cluster\nspec:\n  hosts:\n${hosts.join("")}`;
}

interface Row {
  notes: string[];
  node: { name: string; auth: { kind: string; hasSecret: boolean } | null } | null;
}

async function importText(content: string, confirm = false) {
  const response = await fetch(`${server.url}/api/nodes/import`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify({ content, confirm }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return { text, rows: (JSON.parse(text) as { rows: Row[] }).rows };
}

test("keyPath outside the folder, symlinks out, the data folder and /proc: one message, nothing read", async () => {
  const attacks = [
    "/proc/self/environ",
    "environ",
    "/etc/passwd",
    "/etc/no-such-file-here",
    path.join(outside, "id_out"),
    "../outside/id_out",
    "~/../../etc/shadow",
    "id_link",
    "elsewhere/id_out",
    "secret.key",
    path.join(server.dataDir, "secret.key"),
    path.join(server.dataDir, "console.sqlite"),
  ];
  const { text, rows } = await importText(k0sctl(attacks));
  attacks.forEach((keyPath, index) => {
    const row = rows[index];
    assert.equal(row?.node?.auth, null, keyPath);
    const keyNotes = row?.notes.filter((note) => note.startsWith("keyPath ")) ?? [];
    assert.deepEqual(
      keyNotes,
      [
        `keyPath ${keyPath}: no such key in the keys folder (CONSOLE_SSH_KEYS_DIR): copy it there or upload the key`,
      ],
      keyPath,
    );
  });
  assert.doesNotMatch(text, new RegExp(`${OUTSIDE_SECRET}|CONSOLE_TOKEN|root:x:0`));
});

test("a key in the folder: the preview says where it came from, never the key; stored encrypted", async () => {
  const preview = await importText(k0sctl(["~/.ssh/id_ed25519"]));
  assert.deepEqual(preview.rows[0]?.node?.auth, {
    kind: "key",
    hasSecret: true,
    hasPassphrase: false,
  });
  assert.ok(preview.rows[0]?.notes.includes("key read from id_ed25519"));
  assert.doesNotMatch(preview.text, new RegExp(PLANTED));
  const confirmed = await importText(k0sctl(["~/.ssh/id_ed25519"]), true);
  assert.doesNotMatch(confirmed.text, new RegExp(PLANTED));
  for (const file of readdirSync(server.dataDir).filter((name) =>
    name.startsWith("console.sqlite"),
  )) {
    const bytes = readFileSync(path.join(server.dataDir, file));
    assert.equal(bytes.includes(PLANTED), false, `the key is in clear in ${file}`);
  }
  assert.doesNotMatch(server.logTail(), new RegExp(PLANTED));
});
