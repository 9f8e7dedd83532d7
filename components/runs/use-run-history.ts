"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { errorText } from "@/lib/client/fleet-api";
import { getRun, listRuns, type NodeState, type Run } from "@/lib/client/runs-api";

/** While a run is going, the list is re-read this often. */
const POLL_MS = 5_000;
/** Run details fetched at once for the per-node counts. */
const PARALLEL = 4;

/** Finished runs do not change: their node states are kept for the whole page session. */
const finished = new Map<string, { state: NodeState }[]>();

/**
 * The run history, newest first, and each run's node states. GET /api/runs has no per-node
 * outcome, so each run is read once (running ones again on every poll).
 */
export function useRunHistory() {
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [states, setStates] = useState<Record<string, { state: NodeState }[]>>(() =>
    Object.fromEntries(finished),
  );
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    try {
      const list = await listRuns(abort.signal);
      setRuns(list);
      setError(null);
      const queue = list.filter((run) => run.status === "running" || !finished.has(run.id));
      const worker = async () => {
        for (let run = queue.shift(); run; run = queue.shift()) {
          const detail = await getRun(run.id, abort.signal).catch(() => null);
          if (!detail || abort.signal.aborted) continue;
          const nodes = detail.nodes.map((node) => ({ state: node.state }));
          if (detail.status !== "running") finished.set(detail.id, nodes);
          setStates((current) => ({ ...current, [detail.id]: nodes }));
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
    } catch (caught) {
      if (!abort.signal.aborted) setError(errorText(caught));
    }
  }, []);

  useEffect(() => {
    void load();
    return () => controller.current?.abort();
  }, [load]);

  const anyRunning = runs?.some((run) => run.status === "running") ?? false;
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [anyRunning, load]);

  return { runs, states, error, reload: load };
}
