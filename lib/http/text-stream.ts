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

/**
 * `value` as JSON text in pieces, each array member of the top-level object an item at a time:
 * a 200,000-image catalog is written without one long JSON.stringify holding the event loop.
 */
export function* jsonPieces(value: Record<string, unknown>): Generator<string> {
  let separator = "{";
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    yield `${separator}${JSON.stringify(key)}:`;
    separator = ",";
    if (Array.isArray(member)) {
      yield "[";
      for (let i = 0; i < member.length; i++)
        yield `${i === 0 ? "" : ","}${JSON.stringify(member[i] ?? null)}`;
      yield "]";
    } else {
      yield JSON.stringify(member);
    }
  }
  yield separator === "{" ? "{}" : "}";
}
