/**
 * How many live log streams the console keeps open, and whose turn it is to read the store.
 * Each open stream costs a socket and a little memory; each page it reads costs event-loop time.
 */
import { HttpError } from "@/lib/http/errors";

/** live log streams one run may have open at once (every tab, every node filter) */
export const MAX_STREAMS_PER_RUN = 200;
/** live log streams the whole console keeps open at once */
export const MAX_STREAMS = 500;

const GLOBAL_KEY = Symbol.for("k0rdent-console.stream-limits");
interface State {
  perRun: Map<string, number>;
  total: number;
  /** pages waiting for their turn to be read */
  queue: (() => void)[];
  draining: boolean;
}
function state(): State {
  const holder = globalThis as unknown as { [GLOBAL_KEY]?: State };
  holder[GLOBAL_KEY] ??= { perRun: new Map(), total: 0, queue: [], draining: false };
  return holder[GLOBAL_KEY];
}

/**
 * Takes one of the run's stream slots, or refuses with 429 (this run) / 503 (the console) so a
 * client opening streams in a loop cannot exhaust the console. Returns the release, safe to call twice.
 */
export function takeStreamSlot(runId: string): () => void {
  const s = state();
  const ofRun = s.perRun.get(runId) ?? 0;
  if (ofRun >= MAX_STREAMS_PER_RUN) {
    throw new HttpError(
      429,
      `run ${runId} already has ${MAX_STREAMS_PER_RUN} live log streams open (the limit per run): close other tabs or streams of this run and retry`,
    );
  }
  if (s.total >= MAX_STREAMS) {
    throw new HttpError(
      503,
      `the console already has ${MAX_STREAMS} live log streams open (its limit): close some and retry`,
    );
  }
  s.perRun.set(runId, ofRun + 1);
  s.total += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    s.total -= 1;
    const left = (s.perRun.get(runId) ?? 1) - 1;
    if (left > 0) s.perRun.set(runId, left);
    else s.perRun.delete(runId);
  };
}

/** The streams open now: for the run, and in all. */
export function openStreams(runId: string): { run: number; total: number } {
  const s = state();
  return { run: s.perRun.get(runId) ?? 0, total: s.total };
}

/**
 * How long the queued reads may hold the event loop in one turn before other requests get theirs,
 * and how many pages one turn may hand out (their writes to the sockets follow in the same turn).
 */
const SLICE_MS = 8;
const PAGES_PER_SLICE = 24;

/**
 * Runs `work` in its turn: queued reads run one after the other for at most SLICE_MS, then the
 * event loop serves sockets and timers before the next slice. 200 streams replaying at once thus
 * share the loop with every other request instead of holding it in turn.
 */
export function inTurn<T>(work: () => T): Promise<T> {
  const s = state();
  return new Promise<T>((resolve, reject) => {
    s.queue.push(() => {
      try {
        resolve(work());
      } catch (error) {
        reject(error);
      }
    });
    if (!s.draining) {
      s.draining = true;
      setImmediate(runSlice);
    }
  });
}

function runSlice(): void {
  const s = state();
  const start = performance.now();
  // an immediate queued from inside one runs in the NEXT loop iteration, after pending I/O
  for (
    let pages = 0;
    s.queue.length > 0 && pages < PAGES_PER_SLICE && performance.now() - start < SLICE_MS;
    pages++
  )
    s.queue.shift()?.();
  if (s.queue.length > 0) setImmediate(runSlice);
  else s.draining = false;
}
