import { CatalogLimitError, formatBytes } from "./errors";
import { MAX_DECOMPRESSED_FREE_BYTES, MAX_DECOMPRESSION_RATIO } from "./limits";

/**
 * Counts the bytes received and what each gzip layer makes of them, and stops the reading —
 * decompressors included — past the decompressed-size limit, past the decompression ratio (a
 * gzip bomb, or gzip in gzip, passes it within its first megabytes), or once `signal` aborts.
 * Checked at every chunk: a bomb is stopped within a chunk of its limit.
 */
export class DecompressionGuard {
  private receivedBytes = 0;

  constructor(
    private readonly maxDecompressedBytes: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** the input as it arrives */
  received(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    return stream.pipeThrough(
      this.counter((bytes) => {
        this.receivedBytes += bytes;
      }),
    );
  }

  /** one gzip layer's output */
  inflated(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    let produced = 0;
    return stream.pipeThrough(
      this.counter((bytes) => {
        produced += bytes;
        if (produced > this.maxDecompressedBytes) {
          throw new CatalogLimitError(
            `the upload decompresses to more than ${formatBytes(this.maxDecompressedBytes)}, the console's limit for decompressed data`,
          );
        }
        if (
          produced > MAX_DECOMPRESSED_FREE_BYTES &&
          produced > this.receivedBytes * MAX_DECOMPRESSION_RATIO
        ) {
          throw new CatalogLimitError(
            `the upload decompresses to more than ${MAX_DECOMPRESSION_RATIO} times its compressed size (the console's limit past the first ${formatBytes(MAX_DECOMPRESSED_FREE_BYTES)}): refused as a decompression bomb`,
          );
        }
      }),
    );
  }

  private counter(count: (bytes: number) => void): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.signal?.throwIfAborted();
        count(chunk.byteLength);
        controller.enqueue(chunk);
      },
    });
  }
}
