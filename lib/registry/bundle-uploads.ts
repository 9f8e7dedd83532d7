/**
 * Bundles uploaded from the browser: streamed to the data folder (never held in memory, bounded
 * by MAX_BUNDLE_BYTES), kept under their sha256, and named by it when pushed. A push of an upload
 * reads the kept file, exactly like a bundle of CONSOLE_BUNDLES_DIR. Server-only.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { removeAbandonedUploads } from "@/lib/binaries/receive";
import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/inventory/db";

/** Largest bundle the console takes as an upload (the k0rdent Enterprise bundle is about 22 GB). */
export const MAX_BUNDLE_BYTES = 64 * 1024 ** 3;

export interface UploadedBundle {
  sha256: string;
  size: number;
  uploadedAt: string;
}

const SHA256 = /^[0-9a-f]{64}$/;
const UPLOAD_PREFIX = ".upload-";

function uploadsDir(db: Database): string {
  return path.join(path.dirname(db.name), "bundles");
}

/** Streams `body` into the uploads folder while hashing it; an identical upload finds the one kept. */
export async function receiveBundle({
  db,
  body,
}: {
  db: Database;
  body: ReadableStream<Uint8Array>;
}): Promise<UploadedBundle> {
  const dir = uploadsDir(db);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  removeAbandonedUploads(dir);
  const temp = path.join(dir, `${UPLOAD_PREFIX}${randomBytes(8).toString("hex")}`);
  const hash = createHash("sha256");
  const handle = await open(temp, "wx", 0o600);
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      hash.update(value);
      await handle.write(value);
    }
    await handle.sync();
    await handle.close();
    if (size === 0)
      throw new AppError(
        "bad_request:bundle",
        "the upload is empty: send the bundle file as the body",
      );
    const sha256 = hash.digest("hex");
    renameSync(temp, path.join(dir, sha256));
    const { mtime } = await stat(path.join(dir, sha256));
    return { sha256, size, uploadedAt: mtime.toISOString() };
  } finally {
    await handle.close().catch(() => {});
    rmSync(temp, { force: true });
    reader.releaseLock();
  }
}

/** The uploads kept, newest first. */
export async function listUploadedBundles(db: Database): Promise<UploadedBundle[]> {
  const dir = uploadsDir(db);
  const names = (await readdir(dir).catch(() => [])).filter((name) => SHA256.test(name));
  const uploads = await Promise.all(
    names.map(async (sha256) => {
      const info = await stat(path.join(dir, sha256));
      return { sha256, size: info.size, uploadedAt: info.mtime.toISOString() };
    }),
  );
  return uploads.sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt));
}

/** The kept file of upload `sha256`; refused when there is none. */
export async function uploadedBundlePath(db: Database, sha256: string): Promise<string> {
  const file = path.join(uploadsDir(db), sha256);
  const info = SHA256.test(sha256) ? await stat(file).catch(() => undefined) : undefined;
  if (!info?.isFile())
    throw new AppError(
      "not_found:bundle",
      "upload: no uploaded bundle has this sha256: upload it with POST /api/registry/bundles",
    );
  return file;
}
