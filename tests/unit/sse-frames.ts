/** Reading a run's event stream in tests. */

/** Reads SSE frames from a stream until `until` says stop (or the stream ends). */
export async function readFrames(
  stream: ReadableStream<Uint8Array>,
  until: (frames: string[]) => boolean,
): Promise<string[]> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const frames: string[] = [];
  while (!until(frames)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const parts = text.split("\n\n");
    text = parts.pop() ?? "";
    frames.push(...parts.filter((part) => !part.startsWith(":")));
  }
  await reader.cancel();
  return frames;
}
