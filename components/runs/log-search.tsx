"use client";

import { useEffect, useState } from "react";
import { errorText } from "@/lib/client/fleet-api";
import { type LogFilter, type RunLineEvent, searchRunLog } from "@/lib/client/runs-api";
import { LOG_VIEW_CLASS, LogRow, ROW_HEIGHT } from "./log-row";
import { useVirtualRows } from "./use-virtual-rows";

/** Pages are fetched when the view comes this close (in rows) to the last loaded one. */
const PREFETCH_ROWS = 100;

interface Found {
  events: RunLineEvent[];
  total: number;
  next: number | null;
}

/**
 * The lines matching a filter among ALL the run's stored lines (searched on the console, not in
 * the rows the browser happens to hold), a page at a time as the list is scrolled.
 */
export function LogSearchResults({
  runId,
  filter,
  nodeColumn,
  colours,
  panelProps,
}: {
  runId: string;
  filter: LogFilter;
  nodeColumn: number;
  colours: Map<string, string>;
  /** the tab panel's id and label */
  panelProps: { id: string; "aria-labelledby": string };
}) {
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const { q, node, stream } = filter;

  useEffect(() => {
    const abort = new AbortController();
    setFound(null);
    setError(null);
    setLoading(true);
    searchRunLog(runId, { q, node, stream }, 0, abort.signal)
      .then(setFound)
      .catch((caught) => !abort.signal.aborted && setError(errorText(caught)))
      .finally(() => !abort.signal.aborted && setLoading(false));
    return () => abort.abort();
  }, [runId, q, node, stream]);

  const count = found?.events.length ?? 0;
  const rows = useVirtualRows({ count, rowHeight: ROW_HEIGHT, follow: false });
  const next = found?.next ?? null;
  const nearEnd = rows.end >= count - PREFETCH_ROWS;
  useEffect(() => {
    if (next === null || !nearEnd || loading) return;
    const abort = new AbortController();
    setLoading(true);
    searchRunLog(runId, { q, node, stream }, next, abort.signal)
      .then((page) =>
        setFound((current) =>
          current ? { ...page, events: [...current.events, ...page.events] } : current,
        ),
      )
      .catch((caught) => !abort.signal.aborted && setError(errorText(caught)))
      .finally(() => !abort.signal.aborted && setLoading(false));
    return () => abort.abort();
  }, [runId, q, node, stream, next, nearEnd, loading]);

  const rendered = (found?.events ?? [])
    .slice(rows.start, rows.end)
    .map((event) => (
      <LogRow
        key={event.id}
        event={event}
        nodeColumn={nodeColumn}
        colour={event.node === null ? "" : (colours.get(event.node) ?? "")}
      />
    ));
  return (
    <>
      <p role="status" className="mb-1 text-xs text-slate-600 dark:text-slate-400">
        {error ? (
          <span className="text-red-700 dark:text-red-400">The search failed: {error}</span>
        ) : found ? (
          <span data-testid="log-matches">
            {found.total.toLocaleString("en-US")} matching line{found.total === 1 ? "" : "s"}
            {loading ? " (loading more…)" : ""}
          </span>
        ) : (
          "Searching every line of the run…"
        )}
      </p>
      <div
        ref={rows.ref}
        onScroll={rows.onScroll}
        role="tabpanel"
        {...panelProps}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the results scroll with the keyboard
        tabIndex={0}
        data-testid="log-view"
        data-search="on"
        className={LOG_VIEW_CLASS}
      >
        {found && count === 0 ? (
          <p className="p-3 font-sans text-sm text-slate-500 dark:text-slate-400">
            No line matches.
          </p>
        ) : (
          <div className="relative w-max min-w-full" style={{ height: rows.totalHeight }}>
            <div style={{ transform: `translateY(${rows.offset}px)` }}>{rendered}</div>
          </div>
        )}
      </div>
    </>
  );
}
