"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import {
  type RunEvent,
  type RunLineEvent,
  type RunStatus,
  runEventsUrl,
} from "@/lib/client/runs-api";

/** connecting (first open) → live ⇄ reconnecting → finished; disconnected = the browser gave up */
export type Connection = "connecting" | "live" | "reconnecting" | "finished" | "disconnected";

/** A run's log so far. Mutated in place as events arrive: read it when `version` changes. */
export interface LogStore {
  /** every log line received, in id order */
  lines: RunLineEvent[];
  /** per node, the indexes of its lines in `lines` (run-level lines have no node: merged only) */
  byNode: Map<string, number[]>;
  /** the last event received (line or state): where a reconnect resumes */
  lastId: number;
}

export interface RunLogHandlers {
  /** a state or progress event: the run changed (applied to the run's model, no refetch) */
  onState?: (event: Exclude<RunEvent, RunLineEvent>) => void;
  /** the stream went up or down (the run's JSON is polled only while it is down) */
  onConnection?: (connection: Connection) => void;
  /** the stream's `end` event: the run is over */
  onEnd?: (status: RunStatus | "unknown") => void;
  /** (re)connected: anything missed is replayed by the server from Last-Event-ID */
  onOpen?: () => void;
  /** the browser stopped retrying (e.g. signed out, run removed) */
  onLost?: () => void;
}

/**
 * Follows a run's events over SSE (the server replays stored ones first, so a finished run's page
 * shows its whole log). Lines go into a ref-backed store; React hears about them at most once per
 * animation frame, so thousands of lines a second cost one render a frame, not one per line.
 * State and progress events go to `onState`, in the same order.
 */
export function useRunLog(runId: string, handlers: RunLogHandlers) {
  const store = useRef<LogStore>({ lines: [], byNode: new Map(), lastId: 0 });
  const [version, setVersion] = useState(0);
  const [connection, setConnectionState] = useState<Connection>("connecting");
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  const setConnection = useCallback((next: Connection) => {
    setConnectionState(next);
    latest.current.onConnection?.(next);
  }, []);

  // a new run starts from an empty log
  const [storeRun, setStoreRun] = useState(runId);
  if (storeRun !== runId) {
    setStoreRun(runId);
    store.current = { lines: [], byNode: new Map(), lastId: 0 };
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt re-opens the stream on demand
  useEffect(() => {
    const log = store.current;
    // a new EventSource does not send Last-Event-ID: ?after= resumes where this page stopped
    const source = new EventSource(runEventsUrl(runId, log.lastId));
    let frame = 0;
    const flush = () => {
      frame = 0;
      setVersion((n) => n + 1);
    };
    source.onopen = () => {
      setConnection("live");
      latest.current.onOpen?.();
    };
    source.onmessage = (message: MessageEvent<string>) => {
      let event: RunEvent;
      try {
        event = JSON.parse(message.data) as RunEvent;
      } catch {
        return;
      }
      if (typeof event.id !== "number" || event.id <= log.lastId) return;
      log.lastId = event.id;
      if (event.type !== "line") {
        latest.current.onState?.(event);
        return;
      }
      const index = log.lines.push(event) - 1;
      if (event.node !== null) {
        const mine = log.byNode.get(event.node);
        if (mine) mine.push(index);
        else log.byNode.set(event.node, [index]);
      }
      if (frame === 0) frame = requestAnimationFrame(flush);
    };
    source.addEventListener("end", (message) => {
      // closed here, or the browser would reconnect forever
      source.close();
      let status: RunStatus | "unknown" = "unknown";
      try {
        status = (JSON.parse((message as MessageEvent<string>).data) as { status: RunStatus })
          .status;
      } catch {}
      setConnection("finished");
      if (frame !== 0) cancelAnimationFrame(frame);
      flush();
      latest.current.onEnd?.(status);
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        setConnection("disconnected");
        latest.current.onLost?.();
      } else {
        // the browser retries by itself and sends Last-Event-ID: no gap, no duplicate
        setConnection("reconnecting");
      }
    };
    return () => {
      source.close();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [runId, attempt, setConnection]);

  const reconnect = useCallback(() => {
    setConnection("connecting");
    setAttempt((n) => n + 1);
  }, [setConnection]);

  return { store: store.current, version, connection, reconnect };
}
