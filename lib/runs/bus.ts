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
