"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { errorText } from "@/lib/client/fleet-api";
import { listRuns, type RunSummary } from "@/lib/client/runs-api";

/** While a run is going, the list is re-read this often. */
const POLL_MS = 5_000;

/** The run history, newest first, with each run's per-node outcome counts. */
export function useRunHistory() {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    try {
      setRuns(await listRuns(abort.signal));
      setError(null);
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

  return { runs, error, reload: load };
}
