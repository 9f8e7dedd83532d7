/** Receiving an upload into the binary store: streamed to disk, inspected on the way. */
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import type { Database } from "@/lib/inventory/db";
import { NotAK0sBinaryError } from "./errors";
import { type Executable, HEAD_BYTES, identifyExecutable } from "./executable";
import { sanitizeUploadName } from "./names";
import { binariesDir, getBinary, type StoredBinary } from "./store";
import { K0sVersionScanner } from "./version-scan";

/** Largest binary the console takes (k0s itself is about 250 MiB). */
export const MAX_BINARY_BYTES = 1024 ** 3;

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
export function removeAbandonedUploads(dir: string): void {
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
