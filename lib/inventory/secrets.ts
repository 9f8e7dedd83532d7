/**
 * Encryption at rest for stored SSH keys and passwords: AES-256-GCM with a random key kept in
 * <dataDir>/secret.key (mode 0600). Values are stored as "v1:<iv>:<tag>:<ciphertext>" (base64).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { consoleEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

export const SECRET_KEY_FILE_NAME = "secret.key";
const FORMAT = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key's bytes live in a module-private map, so logging or serialising a SecretKey shows nothing. */
const keyBytes = new WeakMap<SecretKey, Buffer>();

export class SecretKey {
  constructor(bytes: Uint8Array) {
    if (bytes.length !== KEY_BYTES) throw new Error(`a secret key is ${KEY_BYTES} bytes`);
    keyBytes.set(this, Buffer.from(bytes));
  }
  toJSON(): string {
    return "[SecretKey]";
  }
}

/** Thrown when a stored value does not decrypt; its message never contains the value. */
export class SecretDecryptError extends AppError {
  constructor(readonly reason: string) {
    // says which node and what to do; holds no secret
    super("internal:secrets", `a stored secret cannot be decrypted: ${reason}`);
    this.name = "SecretDecryptError";
  }
}

/** Reads <dataDir>/secret.key, creating it once (mode 0600) when missing. */
export function loadSecretKey(dataDir: string): SecretKey {
  const file = path.join(dataDir, SECRET_KEY_FILE_NAME);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    return readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  try {
    // "wx": a second process racing us fails here and reads the first one's key instead.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString("base64")}\n`, {
      mode: 0o600,
      flag: "wx",
    });
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readKeyFile(file);
}

function readKeyFile(file: string): SecretKey {
  const bytes = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (bytes.length !== KEY_BYTES) {
    throw new Error(`${file} is damaged: expected ${KEY_BYTES} bytes in base64`);
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600); // tighten a copied-in key file
  return new SecretKey(bytes);
}

export function encryptSecret(key: SecretKey, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", bytesOf(key), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, iv, tag, ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64")))
    .join(":");
}

export function decryptSecret(key: SecretKey, stored: string): string {
  const [format, iv, tag, ciphertext, ...rest] = stored.split(":");
  if (
    format !== FORMAT ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    rest.length > 0
  ) {
    throw new SecretDecryptError("not a v1 encrypted value");
  }
  const ivBytes = Buffer.from(iv, "base64");
  const tagBytes = Buffer.from(tag, "base64");
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
    throw new SecretDecryptError("its IV or tag has the wrong length");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", bytesOf(key), ivBytes);
    decipher.setAuthTag(tagBytes);
    const plain = Buffer.concat([
      decipher.update(Buffer.from(ciphertext, "base64")),
      decipher.final(),
    ]);
    return plain.toString("utf8");
  } catch {
    throw new SecretDecryptError("it was altered, or secret.key is not the key it was stored with");
  }
}

function bytesOf(key: SecretKey): Buffer {
  const bytes = keyBytes.get(key);
  if (!bytes) throw new Error("not a SecretKey made by loadSecretKey");
  return bytes;
}

let cached: { dataDir: string; key: SecretKey } | undefined;

/**
 * The console's secret key for consoleEnv().dataDir, read once per module instance. Not kept on
 * globalThis: a hot-reloaded module has a new key map, and re-reading the file is cheap.
 */
export function consoleSecretKey(): SecretKey {
  const { dataDir } = consoleEnv();
  if (cached?.dataDir !== dataDir) cached = { dataDir, key: loadSecretKey(dataDir) };
  return cached.key;
}
