import { badgeClass } from "@/components/fleet/styles";
import type { NodeState, RunStatus, StageState } from "@/lib/client/runs-api";

/** Every state a run, a node or a stage can be in. */
export type AnyState = RunStatus | NodeState | StageState;

export const STATE_STYLE: Record<AnyState, { icon: string; text: string; className: string }> = {
  pending: {
    icon: "○",
    text: "waiting",
    className: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  },
  running: {
    icon: "◌",
    text: "running",
    className: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200",
  },
  succeeded: {
    icon: "✓",
    text: "succeeded",
    className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  },
  failed: {
    icon: "✕",
    text: "failed",
    className: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  },
  skipped: {
    icon: "↷",
    text: "skipped",
    className: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  },
  cancelled: {
    icon: "⊘",
    text: "cancelled",
    className: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
  },
  interrupted: {
    icon: "!",
    text: "interrupted",
    className: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
  },
};

/** A state shown by icon and word, never by colour alone. */
export function StateBadge({
  state,
  testId,
  detail,
}: {
  state: AnyState;
  /** goes on the word itself, so the element's text is exactly the state */
  testId?: string;
  /** e.g. a duration, after the word */
  detail?: string;
}) {
  const style = STATE_STYLE[state] ?? STATE_STYLE.pending;
  return (
    <span className={`${badgeClass} ${style.className}`} data-state={state}>
      <span
        aria-hidden
        className={state === "running" ? "inline-block motion-safe:animate-spin" : ""}
      >
        {style.icon}
      </span>
      <span data-testid={testId}>{style.text}</span>
      {detail && <span className="font-normal tabular-nums">{detail}</span>}
    </span>
  );
}
