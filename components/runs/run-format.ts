/** Small pure helpers for the runs pages: durations, times, per-node colours, test ids. */

/** "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** From `start` to `end`, or to `now` while it is still going. */
export function durationBetween(start: string, end: string | null, now: number): string {
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  return formatDuration(to - from);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function relativeTime(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? "" : "s"} ago`;
}

const clock = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** A log line's local time, HH:MM:SS. */
export function clockTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isFinite(time) ? clock.format(time) : "";
}

/** The stage part of `stage-cell-<node>-<stage>`: spaces become dashes. */
export function stageSlug(stage: string): string {
  return stage.replace(/\s+/g, "-");
}

/** Full class names (Tailwind only sees literal strings); no red: red means stderr and errors. */
const NODE_COLOURS = [
  "text-sky-700 dark:text-sky-300",
  "text-violet-700 dark:text-violet-300",
  "text-emerald-700 dark:text-emerald-300",
  "text-amber-700 dark:text-amber-300",
  "text-fuchsia-700 dark:text-fuchsia-300",
  "text-cyan-700 dark:text-cyan-300",
  "text-lime-700 dark:text-lime-300",
  "text-orange-700 dark:text-orange-300",
  "text-indigo-700 dark:text-indigo-300",
  "text-teal-700 dark:text-teal-300",
] as const;

/** The colour of the n-th node of a run, the same in the log prefix and its tab. */
export function nodeColour(index: number): string {
  return (
    NODE_COLOURS[((index % NODE_COLOURS.length) + NODE_COLOURS.length) % NODE_COLOURS.length] ?? ""
  );
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? word : many}`;
}

export const ACTION_LABEL: Record<string, string> = {
  plan: "Plan",
  apply: "Apply",
  rollback: "Rollback",
  reset: "Reset",
  push: "Push",
};

/**
 * A log line as one fixed-height row of the virtualised log: its line breaks (a multi-line
 * command echoed whole) shown as ↵, so it never spills over the rows below. Downloads keep them.
 */
export function oneRow(line: string): string {
  return line.replace(/\r?\n/g, " ↵ ");
}

/** What a plan predicts for one node: the checks gate (readiness) and the apply's own refusal. */
interface PlanPredictionOf {
  readiness: unknown;
  steps: { refusal: string | null } | null;
}

/**
 * " The apply will refuse 2 of them: a, b (see each node below)." when a succeeded plan predicts
 * that its apply refuses or fails nodes (a green "succeeded" alone would hide it); "" otherwise.
 */
export function predictedRefusals(
  nodes: { node: string; plan: PlanPredictionOf | null }[],
): string {
  const refused = nodes
    .filter(({ plan }) => plan !== null && (plan.readiness || plan.steps?.refusal))
    .map(({ node }) => node);
  if (refused.length === 0) return "";
  const names =
    refused.length <= 10
      ? refused.join(", ")
      : `${refused.slice(0, 10).join(", ")} and ${refused.length - 10} more`;
  const which = refused.length === nodes.length ? "all of them" : `${refused.length} of them`;
  return ` The apply will refuse ${which}: ${names} (see each node below).`;
}
