"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "@/lib/client/api";
import { errorText } from "@/lib/client/fleet-api";
import { getRun, type RunDetail, type RunNode } from "@/lib/client/runs-api";

/** While a run is going, its JSON is also re-read this often, in case the stream is down. */
const POLL_MS = 10_000;
/** Stream activity refreshes the run at most this often. */
const SOON_MS = 200;

/**
 * One run's JSON: loaded once, refreshed on demand (at most one request at a time) and soon
 * after stream activity. Unchanged nodes keep their object, so memoised rows skip re-rendering.
 */
export function useRun(id: string) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<{ notFound: boolean; message: string } | null>(null);
  const busy = useRef(false);
  const again = useRef(false);
  const soon = useRef<ReturnType<typeof setTimeout> | null>(null);
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

  /** Refreshes within ~200 ms, however many times it is called meanwhile. */
  const refreshSoon = useCallback(() => {
    if (soon.current) return;
    soon.current = setTimeout(() => {
      soon.current = null;
      void refresh();
    }, SOON_MS);
  }, [refresh]);

  useEffect(() => {
    live.current = true;
    void refresh();
    return () => {
      live.current = false;
      if (soon.current) clearTimeout(soon.current);
      soon.current = null;
    };
  }, [refresh]);

  const running = run?.status === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, refresh]);

  return { run, error, refresh, refreshSoon };
}

/** `next`, reusing the previous node objects that did not change. */
function shareNodes(previous: RunDetail | null, next: RunDetail): RunDetail {
  if (!previous || previous.id !== next.id) return next;
  const before = new Map(previous.nodes.map((node) => [node.node, node]));
  return {
    ...next,
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
