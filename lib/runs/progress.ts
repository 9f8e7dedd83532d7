/** Progress events of a byte stream a run sends somewhere (the k0s binary to a node; the push's blobs next). */
import { pipeline, type Readable, Transform } from "node:stream";
import type { LogLine } from "./run-log";

/** At most one progress event this often per stream (and one at its end): a few per second. */
const EVERY_MS = 250;

/**
 * `source` passed through unchanged, its bytes so far reported on `log` as progress of `item`:
 * at the first chunk, then at most every EVERY_MS, and once when it ends.
 */
export function withProgress(
  source: Readable,
  log: LogLine,
  item: string,
  total: number | null,
): Readable {
  let done = 0;
  let reportedAt = 0;
  const report = () => {
    reportedAt = Date.now();
    log.emit?.({ type: "progress", item, done, total, unit: "bytes" });
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      if (Date.now() - reportedAt >= EVERY_MS) report();
      callback(null, chunk);
    },
    flush(callback) {
      report();
      callback();
    },
  });
  // an error reading the source fails the copy (the command sees its stdin break)
  pipeline(source, counter, () => {});
  return counter;
}
