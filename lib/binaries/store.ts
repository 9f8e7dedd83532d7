/**
 * The k0s binaries the console holds: each file once, as `<dataDir>/binaries/<sha256>` (folder
 * 0700, files 0600), described by a row of the database beside it. A run names a binary by its
 * sha256, so nothing outside this folder can ever be sent to a node.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, rmSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Database } from "@/lib/inventory/db";
import type { Executable, K0sArch } from "./executable";
import { isSha256 } from "./names";

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

/**
 * A stream of the stored file (read as it is sent, never held whole) and its size; null when it
 * is gone from the folder or is not a plain file there (a symlink planted in its place).
 */
export function openBinaryFile({
  db,
  sha256,
}: {
  db: Database;
  sha256: string;
}): { stream: Readable; size: number } | null {
  const file = fileOf(db, sha256);
  if (!file) return null;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    return null;
  }
  return { stream: createReadStream("", { fd }), size: stats.size };
}
