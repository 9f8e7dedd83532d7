"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "@/lib/client/api";
import { errorText } from "@/lib/client/fleet-api";
import { getRun, type RunDetail, type RunEvent, type RunNode } from "@/lib/client/runs-api";
import { applyRunEvent } from "@/lib/runs/run-model";

/** While a run is going and its stream is down, its JSON is re-read this often. */
const POLL_MS = 10_000;

/**
 * One run: its JSON loaded once (and on demand, at most one request at a time), then kept current
 * by the state events of its stream (`apply`); polled only while `streamUp` is false. Unchanged
 * nodes keep their object, so memoised rows skip re-rendering.
 */
export function useRun(id: string, streamUp: boolean) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<{ notFound: boolean; message: string } | null>(null);
  const busy = useRef(false);
  const again = useRef(false);
  const live = useRef(true);

  const refresh = useCallback(async () => {
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    try {
      do {
        again.current = false;
        const next = await getRun(id);
        if (!live.current) return;
        setRun((previous) => shareNodes(previous, next));
        setError(null);
      } while (again.current);
    } catch (caught) {
      if (!live.current) return;
      setError({
        notFound: caught instanceof ApiError && caught.status === 404,
        message: errorText(caught),
      });
    } finally {
      busy.current = false;
    }
  }, [id]);

  /** A state or progress event from the stream, applied to the run as it is (no request). */
  const apply = useCallback((event: RunEvent) => {
    setRun((previous) => (previous ? applyRunEvent(previous, event) : previous));
  }, []);

  useEffect(() => {
    live.current = true;
    void refresh();
    return () => {
      live.current = false;
    };
  }, [refresh]);

  const polling = run?.status === "running" && !streamUp;
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [polling, refresh]);

  return { run, error, refresh, apply };
}

/** `next`, reusing the previous node objects that did not change. */
function shareNodes(previous: RunDetail | null, next: RunDetail): RunDetail {
  if (!previous || previous.id !== next.id) return next;
  // read before events the run already applied (a slow request): those would be lost
  if (next.lastEventId < previous.lastEventId) return previous;
  const before = new Map(previous.nodes.map((node) => [node.node, node]));
  return {
    ...next,
    progress: previous.progress,
    nodes: next.nodes.map((node) => {
      const old = before.get(node.node);
      return old && sameNode(old, node) ? old : node;
    }),
  };
}

/** A node's result is written once, when it finishes: comparing its presence is enough. */
function sameNode(a: RunNode, b: RunNode): boolean {
  return (
    a.state === b.state &&
    a.error === b.error &&
    (a.result === null) === (b.result === null) &&
    JSON.stringify(a.stages) === JSON.stringify(b.stages)
  );
}
