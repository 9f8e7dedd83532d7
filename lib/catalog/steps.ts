/**
 * Long parses as generators that `yield` between entries, so the server can run them a slice at a
 * time (runCooperatively) while the browser or a test runs them at once (runSteps).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to the end at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How long a parse may hold the event loop before other work gets a turn. */
const SLICE_MS = 10;

/** Runs `steps` to the end, giving the event loop a turn whenever it has held it for SLICE_MS. */
export async function runCooperatively<T>(steps: Steps<T>): Promise<T> {
  let sliceStart = performance.now();
  for (let count = 0; ; count++) {
    const next = steps.next();
    if (next.done) return next.value;
    // the clock is read every 64 steps: a step is microseconds, the clock is not free
    if ((count & 63) === 0 && performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = performance.now();
    }
  }
}
