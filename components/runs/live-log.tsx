"use client";

import { type ReactNode, useEffect, useId, useLayoutEffect, useMemo, useState } from "react";
import { inputClass } from "@/components/ui";
import { type LogFilter, runLogHref } from "@/lib/client/runs-api";
import { LOG_VIEW_CLASS, LogRow, ROW_HEIGHT } from "./log-row";
import { LogSearchResults } from "./log-search";
import { LogTabs, tabId } from "./log-tabs";
import { type Connection, type RunLogHandlers, useRunLog } from "./use-run-log";
import { useVirtualRows } from "./use-virtual-rows";

const EMPTY: number[] = [];

const CONNECTION: Record<Connection, { dot: string; title: string }> = {
  connecting: { dot: "bg-slate-400 motion-safe:animate-pulse", title: "Opening the log stream…" },
  live: {
    dot: "bg-emerald-500 motion-safe:animate-pulse",
    title: "Lines appear as the nodes write them.",
  },
  reconnecting: {
    dot: "bg-amber-500 motion-safe:animate-pulse",
    title: "Connection lost: the browser reconnects and resumes exactly where it stopped.",
  },
  finished: { dot: "bg-slate-400", title: "The run is over: this is its whole log." },
  disconnected: {
    dot: "bg-red-600",
    title: "The browser stopped reconnecting (signed out, or the console is down).",
  },
};

/** Typing pauses this long before the search runs. */
const SEARCH_DELAY_MS = 250;

const linkClass =
  "rounded text-blue-700 underline hover:text-blue-900 focus:outline-none focus:ring-2 focus:ring-blue-600/40 dark:text-blue-300 dark:hover:text-blue-100";

/**
 * The run's log, live: merged (each line prefixed with its node) or one node's, virtualised so
 * 100,000+ lines scroll smoothly; follows the tail until the user scrolls up.
 */
export function LiveLog({
  runId,
  nodes,
  colours,
  active,
  onActive,
  handlers,
}: {
  runId: string;
  /** the run's nodes, in order (nodes seen only in the log are added after them) */
  nodes: string[];
  colours: Map<string, string>;
  /** null = merged view */
  active: string | null;
  onActive: (node: string | null) => void;
  handlers: RunLogHandlers;
}) {
  const idPrefix = useId();
  const { store, version, connection, reconnect } = useRunLog(runId, handlers);
  const [typed, setTyped] = useState("");
  const [text, setText] = useState("");
  const [stderrOnly, setStderrOnly] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setText(typed.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  const searching = text !== "" || stderrOnly;
  const filter: LogFilter = {
    node: active ?? undefined,
    stream: stderrOnly ? "stderr" : undefined,
    q: text || undefined,
  };

  // nodes that wrote lines but are not (yet) in the run's JSON still get a tab
  const known = useMemo(() => new Set(nodes), [nodes]);
  const extra: string[] = [];
  for (const node of store.byNode.keys()) if (!known.has(node)) extra.push(node);
  const extraKey = extra.join("\n");
  const tabs = useMemo(
    () => (extraKey ? [...nodes, ...extraKey.split("\n")] : nodes),
    [nodes, extraKey],
  );
  const nodeColumn = useMemo(
    () =>
      Math.min(
        24,
        tabs.reduce((width, node) => Math.max(width, node.length), 3),
      ),
    [tabs],
  );

  const indexes = active === null ? null : (store.byNode.get(active) ?? EMPTY);
  const count = indexes ? indexes.length : store.lines.length;
  const rows = useVirtualRows({ count, rowHeight: ROW_HEIGHT });

  // another view: start at its latest line
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the view changes
  useLayoutEffect(() => rows.jumpToEnd(), [active, searching, rows.jumpToEnd]);

  const rendered: ReactNode[] = [];
  for (let index = rows.start; index < rows.end; index += 1) {
    const event = store.lines[indexes ? (indexes[index] ?? -1) : index];
    if (!event) continue;
    rendered.push(
      <LogRow
        key={event.id}
        event={event}
        nodeColumn={active === null ? nodeColumn : 0}
        colour={event.node === null ? "" : (colours.get(event.node) ?? "")}
      />,
    );
  }

  const activeIndex = active === null ? 0 : tabs.indexOf(active) + 1;
  const view = active ?? "all nodes";
  return (
    <div data-version={version}>
      <div className="mb-2 flex flex-wrap items-end justify-between gap-x-4 gap-y-2">
        <LogTabs
          idPrefix={idPrefix}
          nodes={tabs}
          colours={colours}
          active={active}
          onSelect={onActive}
        />
        <div className="flex shrink-0 items-center gap-3 text-xs text-slate-600 dark:text-slate-400">
          <span
            role="status"
            className="inline-flex items-center gap-1.5"
            title={CONNECTION[connection].title}
          >
            <span
              aria-hidden
              className={`inline-block h-2 w-2 rounded-full ${CONNECTION[connection].dot}`}
            />
            <span className="sr-only">Log stream:</span>
            <span
              data-testid="log-connection"
              className="font-medium text-slate-800 dark:text-slate-200"
            >
              {connection}
            </span>
          </span>
          {connection === "disconnected" && (
            <button type="button" className={linkClass} onClick={reconnect}>
              Reconnect
            </button>
          )}
          <span className="tabular-nums">
            {count.toLocaleString()} line{count === 1 ? "" : "s"}
          </span>
          <a
            href={runLogHref(runId, filter)}
            download
            className={linkClass}
            data-testid={active === null ? "download-log-all" : `download-log-${active}`}
          >
            Download {searching ? "matches" : active === null ? "log" : `${active}’s log`}
          </a>
          <a
            href={runLogHref(runId, filter, "text")}
            download
            className={linkClass}
            data-testid={active === null ? "download-text-all" : `download-text-${active}`}
            aria-label={`Download ${searching ? "the matching lines" : `the log of ${view}`} as text`}
          >
            as text
          </a>
        </div>
      </div>
      <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-2">
        <label htmlFor={`${idPrefix}-search`} className="sr-only">
          Search the log
        </label>
        <input
          id={`${idPrefix}-search`}
          type="search"
          value={typed}
          placeholder={`Search every line of ${view}`}
          onChange={(event) => setTyped(event.target.value)}
          className={`${inputClass} max-w-md`}
          data-testid="log-search"
        />
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={stderrOnly}
            onChange={(event) => setStderrOnly(event.target.checked)}
            data-testid="log-stderr-only"
          />
          stderr only
        </label>
      </div>
      {searching ? (
        <LogSearchResults
          runId={runId}
          filter={filter}
          nodeColumn={active === null ? nodeColumn : 0}
          colours={colours}
          panelProps={{
            id: `${idPrefix}-panel`,
            "aria-labelledby": tabId(idPrefix, activeIndex),
          }}
        />
      ) : (
        <div className="relative">
          <div
            ref={rows.ref}
            onScroll={rows.onScroll}
            id={`${idPrefix}-panel`}
            role="tabpanel"
            aria-labelledby={tabId(idPrefix, activeIndex)}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls with the keyboard
            tabIndex={0}
            data-testid="log-view"
            className={LOG_VIEW_CLASS}
          >
            {count === 0 ? (
              <p className="p-3 font-sans text-sm text-slate-500 dark:text-slate-400">
                {emptyText(connection, active)}
              </p>
            ) : (
              <div className="relative w-max min-w-full" style={{ height: rows.totalHeight }}>
                <div style={{ transform: `translateY(${rows.offset}px)` }}>{rendered}</div>
              </div>
            )}
          </div>
          {!rows.following && count > 0 && (
            <button
              type="button"
              onClick={rows.jumpToEnd}
              data-testid="log-jump"
              className="absolute right-5 bottom-4 rounded-full bg-blue-700 px-3 py-1.5 text-xs font-medium text-white shadow-lg hover:bg-blue-800 focus:outline-none focus:ring-2 focus:ring-blue-600/40"
            >
              Jump to latest ↓
            </button>
          )}
        </div>
      )}
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        {searching
          ? `Showing the lines of ${view} that match, searched among all of them; clear the search to follow the log again.`
          : `Showing ${view}. Scroll up to stop following new lines; End or “Jump to latest” follows them again.`}
      </p>
    </div>
  );
}

function emptyText(connection: Connection, node: string | null): string {
  const who = node ?? "this run";
  if (connection === "connecting") return "Connecting to the log…";
  if (connection === "finished") return `No log lines from ${who}.`;
  if (connection === "disconnected") return "The log stream is disconnected: reconnect to see it.";
  return `No lines from ${who} yet: they appear here as soon as they are written.`;
}
