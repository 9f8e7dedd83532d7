import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";

/**
 * gzip → bytes with Node's zlib, pulled as the reader asks. Not the web DecompressionStream: on
 * Node 20 that one takes its input without bound (a 300 MB upload held ~400 MiB).
 */
export function nodeGunzip(compressed: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const input = Readable.fromWeb(compressed as WebReadableStream<Uint8Array>);
  const inflated = pipeline(input, createGunzip({ chunkSize: 256 * 1024 }), () => undefined);
  return Readable.toWeb(inflated) as ReadableStream<Uint8Array>;
}
