import { CatalogTooLargeError } from "./errors";

/**
 * Sequential reader over a byte stream that can look ahead without consuming, read exact
 * lengths across chunk boundaries, and skip large spans without keeping them in memory.
 */
export class ByteSource {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** chunks received but not yet consumed; the first may be partly consumed (see `offset`) */
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  private buffered = 0;
  private ended = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  static from(input: Uint8Array | ReadableStream<Uint8Array>): ByteSource {
    return new ByteSource(ByteSource.streamOf(input));
  }

  /** `input` as a stream (bytes at hand become a one-chunk stream). */
  static streamOf(input: Uint8Array | ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    if (!(input instanceof Uint8Array)) return input;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (input.length > 0) controller.enqueue(input);
        controller.close();
      },
    });
  }

  /** Up to `n` next bytes, not consumed; shorter only at the end of the stream. */
  async peek(n: number): Promise<Uint8Array> {
    while (this.buffered < n && (await this.pull()));
    return this.copyOut(Math.min(n, this.buffered), false);
  }

  /** Exactly `n` next bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    while (this.buffered < n && (await this.pull()));
    return this.copyOut(Math.min(n, this.buffered), true);
  }

  /** Discards `n` bytes; returns how many were actually skipped (fewer at end of stream). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.pull())) break;
      const head = this.chunks[0];
      if (head === undefined) break;
      const take = Math.min(left, head.length - this.offset);
      this.consume(take);
      left -= take;
    }
    return n - left;
  }

  /** Hands every chunk up to the end to `each`, consumed; throws CatalogTooLargeError beyond `maxBytes`. */
  async readEach(maxBytes: number, each: (chunk: Uint8Array) => void): Promise<void> {
    let total = 0;
    do {
      for (const chunk of this.chunks.splice(0)) {
        const bytes = chunk.subarray(this.offset);
        this.offset = 0;
        total += bytes.length;
        if (total > maxBytes) {
          await this.cancel();
          throw new CatalogTooLargeError(maxBytes);
        }
        each(bytes);
      }
      this.buffered = 0;
    } while (await this.pull());
  }

  /**
   * The next `n` bytes as a source of their own, pulled from this one only as they are read;
   * `left()` is how many of the `n` it has not taken yet (the caller skips them).
   */
  take(n: number): { source: ByteSource; left: () => number } {
    let left = n;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (left > 0 && this.buffered === 0) await this.pull();
          const head = this.chunks[0];
          if (left === 0 || head === undefined) {
            controller.close();
            return;
          }
          const size = Math.min(left, head.length - this.offset);
          const view = head.subarray(this.offset, this.offset + size);
          this.consume(size);
          left -= size;
          controller.enqueue(view);
        },
      },
      { highWaterMark: 0 },
    );
    return { source: new ByteSource(stream), left: () => left };
  }

  /** The unread rest as a stream (for piping through a decompressor). */
  rest(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (this.buffered === 0 && !(await this.pull())) {
          controller.close();
          return;
        }
        controller.enqueue(this.copyOut(this.buffered, true));
      },
      cancel: () => this.cancel(),
    });
  }

  async cancel(): Promise<void> {
    this.ended = true;
    await this.reader.cancel().catch(() => undefined);
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const { value, done } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    if (value.length > 0) {
      this.chunks.push(value);
      this.buffered += value.length;
    }
    return true;
  }

  private copyOut(n: number, consume: boolean): Uint8Array {
    const first = this.chunks[0];
    // Common case: the bytes sit inside one chunk, so a view is enough.
    if (first !== undefined && first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n);
      if (consume) this.consume(n);
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    let offset = this.offset;
    for (const chunk of this.chunks) {
      if (filled === n) break;
      const take = Math.min(n - filled, chunk.length - offset);
      out.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset = 0;
    }
    if (consume) this.consume(n);
    return out;
  }

  private consume(n: number): void {
    let left = n;
    this.buffered -= n;
    while (left > 0) {
      const head = this.chunks[0];
      if (head === undefined) return;
      const available = head.length - this.offset;
      if (left < available) {
        this.offset += left;
        return;
      }
      left -= available;
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
