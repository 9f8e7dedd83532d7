import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { inspect } from "node:util";
import {
  decryptSecret,
  encryptSecret,
  loadSecretKey,
  SECRET_KEY_FILE_NAME,
  SecretDecryptError,
} from "@/lib/inventory/secrets";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-secrets-"));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const PLAINTEXT = "hunter2-correct-horse-battery-staple";

/** Flips one byte inside a base64 part of a stored value. */
function flipByte(stored: string, part: 1 | 2 | 3): string {
  const parts = stored.split(":");
  const bytes = Buffer.from(parts[part] ?? "", "base64");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[part] = bytes.toString("base64");
  return parts.join(":");
}

describe("secret.key", () => {
  test("is created once, 32 random bytes, mode 0600, and reused", () => {
    const dir = tempDir();
    const key = loadSecretKey(dir);
    const file = path.join(dir, SECRET_KEY_FILE_NAME);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(file, "utf8").trim(), "base64").length, 32);
    const stored = encryptSecret(key, PLAINTEXT);
    const before = readFileSync(file, "utf8");
    assert.equal(decryptSecret(loadSecretKey(dir), stored), PLAINTEXT);
    assert.equal(readFileSync(file, "utf8"), before);
  });

  test("a key file copied in with loose permissions is tightened to 0600", () => {
    const dir = tempDir();
    loadSecretKey(dir);
    const file = path.join(dir, SECRET_KEY_FILE_NAME);
    chmodSync(file, 0o644);
    loadSecretKey(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test("a damaged key file is an error, not a silently new key", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, SECRET_KEY_FILE_NAME), "c2hvcnQ=\n", { mode: 0o600 });
    assert.throws(() => loadSecretKey(dir), /damaged/);
  });

  test("the key never shows in JSON or inspect output", () => {
    const dir = tempDir();
    const key = loadSecretKey(dir);
    const fileText = readFileSync(path.join(dir, SECRET_KEY_FILE_NAME), "utf8").trim();
    assert.ok(!JSON.stringify({ key }).includes(fileText));
    assert.ok(!inspect(key, { showHidden: true }).includes(fileText));
  });
});

describe("encryptSecret / decryptSecret", () => {
  const key = loadSecretKey(tempDir());

  test("v1:<iv>:<tag>:<ciphertext> with a fresh 12-byte IV each time", () => {
    const first = encryptSecret(key, PLAINTEXT);
    const second = encryptSecret(key, PLAINTEXT);
    assert.match(first, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    assert.equal(Buffer.from(first.split(":")[1] ?? "", "base64").length, 12);
    assert.equal(Buffer.from(first.split(":")[2] ?? "", "base64").length, 16);
    assert.notEqual(first, second);
    assert.ok(!first.includes(PLAINTEXT));
    assert.equal(decryptSecret(key, first), PLAINTEXT);
    assert.equal(decryptSecret(key, encryptSecret(key, "")), "");
    assert.equal(decryptSecret(key, encryptSecret(key, "ünïcødé 🔑")), "ünïcødé 🔑");
  });

  for (const part of [1, 2, 3] as const) {
    test(`a tampered ${["", "IV", "tag", "ciphertext"][part]} fails with a clear error that holds no secret`, () => {
      const tampered = flipByte(encryptSecret(key, PLAINTEXT), part);
      assert.throws(
        () => decryptSecret(key, tampered),
        (error: unknown) =>
          error instanceof SecretDecryptError &&
          /altered/.test(error.message) &&
          !error.message.includes(PLAINTEXT) &&
          !error.message.includes(tampered),
      );
    });
  }

  test("another data folder's key cannot decrypt", () => {
    const other = loadSecretKey(tempDir());
    assert.throws(() => decryptSecret(other, encryptSecret(key, PLAINTEXT)), SecretDecryptError);
  });

  test("a value that is not v1 is refused", () => {
    for (const stored of [PLAINTEXT, "v2:a:b:c", "v1:AAAA:BBBB", "v1:AAAA:BBBB:CCCC:DDDD"]) {
      assert.throws(() => decryptSecret(key, stored), SecretDecryptError, stored);
    }
  });
});
