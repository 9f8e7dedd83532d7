/** Live run events inside this process: the store keeps them, the bus pushes them to open SSE streams. */
import { EventEmitter } from "node:events";
import type { RunEvent } from "./types";

const GLOBAL_KEY = Symbol.for("k0rdent-console.run-bus");
type Holder = { [GLOBAL_KEY]?: EventEmitter };

function bus(): EventEmitter {
  const holder = globalThis as unknown as Holder;
  holder[GLOBAL_KEY] ??= new EventEmitter().setMaxListeners(0);
  return holder[GLOBAL_KEY];
}

export function publish(event: RunEvent): void {
  bus().emit(event.runId, event);
}

/** "end" is published when a run finishes, so streams can close. */
export function publishEnd(runId: string): void {
  bus().emit(`${runId}:end`);
}

export function subscribe(
  runId: string,
  onEvent: (event: RunEvent) => void,
  onEnd: () => void,
): () => void {
  const b = bus();
  b.on(runId, onEvent);
  b.once(`${runId}:end`, onEnd);
  return () => {
    b.off(runId, onEvent);
    b.off(`${runId}:end`, onEnd);
  };
}

const SHUTDOWN_HOOKED = Symbol.for("k0rdent-console.shutdown-hooked");

/**
 * Streams to close when the console shuts down: an open SSE response would otherwise keep the
 * old process alive, and its browsers would never reconnect to the new one.
 */
export function onShutdown(listener: () => void): () => void {
  const b = bus();
  const holder = globalThis as unknown as { [SHUTDOWN_HOOKED]?: boolean };
  if (!holder[SHUTDOWN_HOOKED]) {
    holder[SHUTDOWN_HOOKED] = true;
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        b.emit("shutdown");
        // nobody else handles it (Next does, normally): let the signal do what it would have done
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    }
  }
  b.once("shutdown", listener);
  return () => b.off("shutdown", listener);
}
