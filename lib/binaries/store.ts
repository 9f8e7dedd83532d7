/**
 * The k0s binaries the console holds: each file once, as `<dataDir>/binaries/<sha256>` (folder
 * 0700, files 0600), described by a row of the database beside it. A run names a binary by its
 * sha256, so nothing outside this folder can ever be sent to a node.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import type { Database } from "@/lib/inventory/db";
import { NotAK0sBinaryError } from "./errors";
import { type Executable, HEAD_BYTES, identifyExecutable, type K0sArch } from "./executable";
import { isSha256, sanitizeUploadName } from "./names";
import { K0sVersionScanner } from "./version-scan";

export interface StoredBinary {
  sha256: string;
  size: number;
  kind: Executable["kind"];
  /** null for a script (it runs wherever its interpreter does) */
  arch: K0sArch | null;
  /** read from the file, e.g. v1.32.8+k0s.0 */
  version: string;
  /** the uploaded file's name, sanitized: a label, never a path */
  name: string;
  uploadedAt: string;
}

/** Largest binary the console takes (k0s itself is about 250 MiB). */
export const MAX_BINARY_BYTES = 1024 ** 3;

/** The store lives beside the database that describes it. */
export function binariesDir(db: Database): string {
  return path.join(path.dirname(db.name), "binaries");
}

const COLUMNS = "sha256, size, kind, arch, version, name, uploaded_at AS uploadedAt";

export function listBinaries({ db }: { db: Database }): StoredBinary[] {
  return db
    .prepare(`SELECT ${COLUMNS} FROM k0s_binaries ORDER BY uploaded_at DESC, sha256`)
    .all() as StoredBinary[];
}

export function getBinary({ db, sha256 }: { db: Database; sha256: string }): StoredBinary | null {
  const row = db.prepare(`SELECT ${COLUMNS} FROM k0s_binaries WHERE sha256 = ?`).get(sha256);
  return (row as StoredBinary | undefined) ?? null;
}

/** The stored file of a binary; only ever a sha256 names a file, never a path a request sent. */
function fileOf(db: Database, sha256: string): string | null {
  return isSha256(sha256) ? path.join(binariesDir(db), sha256) : null;
}

/** Removes the binary and its row; false when there was none. */
export function deleteBinary({ db, sha256 }: { db: Database; sha256: string }): boolean {
  const file = fileOf(db, sha256);
  if (!file) return false;
  const { changes } = db.prepare("DELETE FROM k0s_binaries WHERE sha256 = ?").run(sha256);
  rmSync(file, { force: true });
  return changes > 0;
}

/** The stored file's bytes; null when it is gone from the folder (or replaced by a symlink). */
export function readBinaryFile({ db, sha256 }: { db: Database; sha256: string }): Buffer | null {
  const file = fileOf(db, sha256);
  if (!file) return null;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams an upload into a temporary file of the store while hashing it, checking its header and
 * looking for its k0s version; then keeps it under its sha256 (once: an identical upload finds
 * the one already kept). A refused or broken upload leaves nothing behind.
 */
export async function receiveBinary({
  db,
  body,
  name,
}: {
  db: Database;
  body: ReadableStream<Uint8Array>;
  name?: string | null;
}): Promise<{ binary: StoredBinary; created: boolean }> {
  const dir = binariesDir(db);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  removeAbandonedUploads(dir);
  const temp = path.join(dir, `${UPLOAD_PREFIX}${randomBytes(8).toString("hex")}`);
  const reader = body.getReader();
  try {
    const received = await writeInspected(reader, temp);
    const existing = getBinary({ db, sha256: received.sha256 });
    if (existing && existsSync(path.join(dir, existing.sha256)))
      return { binary: existing, created: false };
    renameSync(temp, path.join(dir, received.sha256));
    const binary: StoredBinary = {
      ...received,
      name: sanitizeUploadName(name),
      uploadedAt: new Date().toISOString(),
    };
    db.prepare(
      `INSERT OR REPLACE INTO k0s_binaries (sha256, size, kind, arch, version, name, uploaded_at)
       VALUES (@sha256, @size, @kind, @arch, @version, @name, @uploadedAt)`,
    ).run(binary);
    return { binary, created: true };
  } finally {
    rmSync(temp, { force: true });
    reader.releaseLock();
  }
}

const UPLOAD_PREFIX = ".upload-";
/** an upload still arriving writes to its file all the time; one this quiet was cut by a crash */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** Temporary files that a console stopped mid-upload left behind. */
function removeAbandonedUploads(dir: string): void {
  const before = Date.now() - ABANDONED_AFTER_MS;
  for (const name of readdirSync(dir).filter((entry) => entry.startsWith(UPLOAD_PREFIX))) {
    const file = path.join(dir, name);
    if ((statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? before) < before)
      rmSync(file, { force: true });
  }
}

type Inspected = Omit<StoredBinary, "name" | "uploadedAt">;

/** Writes the stream to `file` (0600); refuses it as soon as its header shows it is no executable. */
async function writeInspected(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  file: string,
): Promise<Inspected> {
  const handle = await open(file, "wx", 0o600);
  const hash = createHash("sha256");
  const scanner = new K0sVersionScanner();
  const head = new Uint8Array(HEAD_BYTES);
  let size = 0;
  let executable: Executable | null = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size < HEAD_BYTES) head.set(value.subarray(0, HEAD_BYTES - size), size);
      size += value.byteLength;
      if (!executable && size >= HEAD_BYTES) executable = refuseEarly(reader, head);
      hash.update(value);
      scanner.push(value);
      await handle.write(value);
    }
    executable ??= identifyExecutable(head.subarray(0, size));
    await handle.sync();
  } finally {
    await handle.close();
  }
  const version = scanner.finish();
  if (!version)
    throw new NotAK0sBinaryError(
      "not a k0s binary: no k0s version (like v1.32.8+k0s.0) is written in it",
    );
  const arch = executable.kind === "elf" ? executable.arch : null;
  return { sha256: hash.digest("hex"), size, kind: executable.kind, arch, version };
}

/** The header's verdict; a refused upload is not read any further. */
function refuseEarly(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  head: Uint8Array,
): Executable {
  try {
    return identifyExecutable(head);
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    throw error;
  }
}
