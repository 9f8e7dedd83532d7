/** Bytes per chunk a text stream hands to the response: big enough to be cheap, small enough to bound memory. */
const CHUNK_CHARS = 64 * 1024;

/**
 * A response body produced piece by piece from `pieces`, only as fast as the client reads it
 * (one chunk waits at most), a turn of the event loop between chunks so other requests get
 * theirs. The client leaving cancels the stream, which stops the generator.
 */
export function textStream(pieces: Iterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        await new Promise((resolve) => setImmediate(resolve));
        let text = "";
        while (text.length < CHUNK_CHARS) {
          const next = pieces.next();
          if (next.done) {
            if (text) controller.enqueue(encoder.encode(text));
            controller.close();
            return;
          }
          text += next.value;
        }
        controller.enqueue(encoder.encode(text));
      },
      cancel() {
        pieces.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}
