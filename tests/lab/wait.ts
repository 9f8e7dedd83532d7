/** Poll a condition until it holds or a deadline passes (never a fixed sleep as synchronisation). */

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** extra text for the timeout error, e.g. a log tail; called only on timeout */
  describe?: () => string;
}

/** Thrown from a check to give up at once (e.g. the process being waited for has exited). */
export class GiveUp extends Error {}

/**
 * Calls `check` until it returns something other than undefined/false, and returns that.
 * A thrown error from `check` counts as "not yet" and is quoted in the timeout error; a thrown
 * GiveUp ends the wait at once.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof GiveUp) {
        const extra = options.describe ? `\n${options.describe()}` : "";
        throw new Error(`gave up waiting for ${what}: ${error.message}${extra}`);
      }
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      const extra = options.describe ? `\n${options.describe()}` : "";
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${what}${cause}${extra}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
