import { createReadStream } from "node:fs";
import { type FileHandle, lstat, open, readdir, readFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { ByteSource } from "@/lib/catalog/byte-source";
import { DecompressionGuard } from "@/lib/catalog/decompression-guard";
import { MAX_DECOMPRESSED_BYTES } from "@/lib/catalog/limits";
import { looksLikeTar } from "@/lib/catalog/tar";
import type { Body } from "./client";
import { bundleError } from "./errors";
import { readIndexJson } from "./layout";
import { type Descriptor, isManifestMediaType, parseManifest } from "./media-types";

/**
 * Where a bundle comes from: one archive file (.tar or .tar.gz: the k0rdent Enterprise layout,
 * a single OCI layout, or docker save), a directory of `<path>/<name>_<tag>.tar` files, or an
 * OCI layout directory. Nothing is extracted: files are streamed.
 */

export interface BundleFile {
  path: string;
  /** path below the bundle root, "/"-separated: where the artifact lands */
  relative: string;
  size: number;
}

export type BundleInput =
  | { kind: "archive"; file: BundleFile }
  | { kind: "archive-dir"; files: BundleFile[] }
  | { kind: "layout-dir"; dir: string };

export async function openBundleInput(path: string): Promise<BundleInput> {
  const info = await lstat(path).catch(() => undefined);
  const name = basename(path);
  if (info === undefined) throw bundleError(`${name}: no such file or directory`);
  if (info.isFile()) return { kind: "archive", file: { path, relative: name, size: info.size } };
  if (!info.isDirectory()) throw bundleError(`${name}: not a file or a directory`);
  const top = await readdir(path);
  if (top.includes("oci-layout") && top.includes("index.json"))
    return { kind: "layout-dir", dir: path };
  const files: BundleFile[] = [];
  await walk(path, path, files);
  if (files.length === 0) {
    throw bundleError(
      `${name}: not a bundle (no <path>/<name>_<tag>.tar files, and no OCI layout: oci-layout and index.json)`,
    );
  }
  files.sort((a, b) => a.relative.localeCompare(b.relative));
  return { kind: "archive-dir", files };
}

/** Every .tar below `dir`; symbolic links are not followed (a bundle never needs them). */
async function walk(root: string, dir: string, files: BundleFile[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, path, files);
    else if (entry.isFile() && entry.name.endsWith(".tar")) {
      const { size } = await lstat(path);
      files.push({ path, relative: relative(root, path).split("\\").join("/"), size });
    }
  }
}

/**
 * A file as a tar stream: gunzipped when it is gzip (with the catalog's bomb limits), checked to
 * be a tar. `onRead` counts the file's own bytes as they are read.
 */
export async function openTarFile(
  file: BundleFile,
  options: { signal?: AbortSignal; onRead?: (bytes: number) => void } = {},
): Promise<ByteSource> {
  const guard = new DecompressionGuard(
    Math.max(MAX_DECOMPRESSED_BYTES, file.size * 4),
    options.signal,
  );
  const counted = fileStream(file.path, options.onRead);
  let source = new ByteSource(guard.received(counted));
  const head = await source.peek(2);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // Node's zlib, not the web DecompressionStream: that one buffers its input without bound.
    const compressed = Readable.fromWeb(source.rest() as WebReadableStream<Uint8Array>);
    const inflated = pipeline(compressed, createGunzip({ chunkSize: 256 * 1024 }), () => undefined);
    source = new ByteSource(guard.inflated(Readable.toWeb(inflated) as ReadableStream<Uint8Array>));
  }
  if (!looksLikeTar(await source.peek(512))) {
    await source.cancel();
    throw bundleError(
      `${file.relative}: not a bundle (neither a tar archive nor a gzip-compressed tar)`,
    );
  }
  return source;
}

/**
 * A file as a web stream that reads only when pulled (Readable.toWeb on Node 20 reads ahead
 * without bound: a multi-GB bundle would end up in memory).
 */
function fileStream(path: string, onRead?: (bytes: number) => void): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        handle ??= await open(path, "r");
        const buffer = new Uint8Array(READ_CHUNK_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) {
          await handle.close();
          controller.close();
          return;
        }
        onRead?.(bytesRead);
        controller.enqueue(buffer.subarray(0, bytesRead));
      },
      cancel: async () => {
        await handle?.close();
      },
    },
    { highWaterMark: 0 },
  );
}

const READ_CHUNK_BYTES = 1024 * 1024;

/** A file of an OCI layout directory, by digest (checked to stay inside `blobs/sha256/`). */
export function layoutBlobPath(dir: string, digest: string): string {
  const hex = /^sha256:([a-f0-9]{64})$/.exec(digest)?.[1];
  if (hex === undefined) throw bundleError(`${digest} is not a sha256 digest`);
  return join(dir, "blobs", "sha256", hex);
}

export async function readLayoutFile(
  dir: string,
  name: string,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const info = await lstat(join(dir, name)).catch(() => undefined);
  if (!info?.isFile() || info.size > maxBytes) return undefined;
  return readFile(join(dir, name));
}

/** A layout blob's size, or undefined when it is missing (or not a plain file). */
export async function layoutBlobSize(dir: string, digest: string): Promise<number | undefined> {
  const info = await lstat(layoutBlobPath(dir, digest)).catch(() => undefined);
  return info?.isFile() ? info.size : undefined;
}

export function fileBody(path: string, length: number) {
  return {
    length,
    replayable: true,
    open: () => createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>,
  };
}

/** A blob's bytes as they stream out of the bundle: sent once, never held. */
export function streamBody(source: ByteSource, length: number): Body {
  return { length, replayable: false, open: () => chunksOf(source.rest()) };
}

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export function readIndexJsonOrThrow(index: Uint8Array, name: string): Descriptor[] {
  try {
    return readIndexJson(index);
  } catch (error) {
    throw bundleError((error as Error).message, name);
  }
}

/** Every manifest (bytes) and blob (size) an OCI layout directory's index.json reaches. */
export async function loadLayoutDir(dir: string, entries: Descriptor[]) {
  const manifests = new Map<string, Uint8Array>();
  const sizes = new Map<string, number>();
  const queue = [...entries];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (sizes.has(next.digest)) continue;
    const size = await layoutBlobSize(dir, next.digest);
    if (size === undefined) continue; // planImage names what is missing
    sizes.set(next.digest, size);
    if (!isManifestMediaType(next.mediaType) || size > 4 * 1024 * 1024) continue;
    const bytes = await readLayoutFile(
      dir,
      layoutBlobPath(dir, next.digest).slice(dir.length + 1),
      size,
    );
    if (!bytes) continue;
    manifests.set(next.digest, bytes);
    try {
      const parsed = parseManifest(bytes, next.mediaType);
      queue.push(...parsed.manifests, ...parsed.blobs);
    } catch {
      // planImage reports the unreadable manifest with its digest
    }
  }
  return { manifests, sizes };
}
