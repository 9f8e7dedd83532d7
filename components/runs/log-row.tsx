import type { EventStream, RunLineEvent } from "@/lib/client/runs-api";
import { clockTime, oneRow } from "./run-format";

/** Every row has this height (px): the list is virtualised on it. Matches h-5 / leading-5. */
export const ROW_HEIGHT = 20;

/** The scrolling box of a log view (the live log, search results). */
export const LOG_VIEW_CLASS =
  "h-[min(65vh,36rem)] overflow-auto rounded-md border border-slate-200 bg-white py-1 font-mono text-xs text-slate-800 focus:outline-none focus:ring-2 focus:ring-blue-600/40 dark:border-slate-800 dark:bg-slate-950 dark:text-slate-200";

const STREAM_CLASS: Record<EventStream, string> = {
  stdout: "",
  // a bar at the left edge (an inset shadow: a border would shift the text)
  stderr: "text-red-700 shadow-[inset_2px_0_0_var(--color-red-500)] dark:text-red-400",
  cmd: "font-bold text-slate-900 dark:text-white",
  stage:
    "border-t border-slate-300 bg-slate-100 font-semibold text-slate-800 dark:border-slate-700 dark:bg-slate-800/80 dark:text-slate-100",
  info: "text-slate-600 dark:text-slate-400",
  error: "bg-red-50 font-semibold text-red-700 dark:bg-red-950/40 dark:text-red-400",
};

const PREFIX: Partial<Record<EventStream, string>> = { cmd: "$ ", error: "error: " };

/** One log line: time, node (merged view), text coloured by stream. Fixed height, never wraps. */
export function LogRow({
  event,
  nodeColumn,
  colour,
}: {
  event: RunLineEvent;
  /** width of the node prefix in ch; 0 = no prefix (a node's own tab) */
  nodeColumn: number;
  colour: string;
}) {
  return (
    <div
      data-testid="log-line"
      data-event-id={event.id}
      data-node={event.node ?? ""}
      data-stream={event.stream}
      className={`flex h-5 items-center whitespace-pre pr-3 pl-2 leading-5 ${STREAM_CLASS[event.stream] ?? ""}`}
    >
      <span className="mr-3 shrink-0 select-none text-slate-600 tabular-nums dark:text-slate-400">
        {clockTime(event.at)}
      </span>
      {nodeColumn > 0 && (
        <span
          className={`mr-2 shrink-0 overflow-hidden text-ellipsis font-normal ${event.node === null ? "text-slate-700 italic dark:text-slate-300" : colour}`}
          style={{ width: `${nodeColumn}ch` }}
          title={event.node ?? "the run itself"}
        >
          {event.node ?? "run"}
        </span>
      )}
      <span>
        {PREFIX[event.stream] ?? ""}
        {oneRow(event.line)}
      </span>
    </div>
  );
}
