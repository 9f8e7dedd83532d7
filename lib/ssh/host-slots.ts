/**
 * A counting semaphore per key (here: per SSH host): at most `limit()` holders of a key at once,
 * the others wait in the order they asked. Pure.
 */

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

export class KeyedSemaphore {
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  /** `limit` is asked at each acquire, so a setting read late still applies (at least 1). */
  constructor(private readonly limit: () => number) {}

  /** Resolves once `key` has a free slot: at once, or when an earlier holder releases. */
  acquire(key: string): Promise<Release> {
    const held = this.held.get(key) ?? 0;
    if (held < Math.max(1, this.limit())) {
      this.held.set(key, held + 1);
      return Promise.resolve(this.releaser(key));
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(() => resolve(this.releaser(key)));
      this.waiting.set(key, queue);
    });
  }

  /** How many hold a slot of `key`, and how many wait for one. */
  counts(key: string): { held: number; waiting: number } {
    return { held: this.held.get(key) ?? 0, waiting: this.waiting.get(key)?.length ?? 0 };
  }

  private releaser(key: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(key)?.shift();
      if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
      // the slot passes straight to the first waiter: nobody arriving later can take it first
      if (next) return next();
      const held = (this.held.get(key) ?? 1) - 1;
      if (held > 0) this.held.set(key, held);
      else this.held.delete(key);
    };
  }
}
