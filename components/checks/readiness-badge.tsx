import { badgeClass } from "@/components/fleet/styles";
import { READINESS_LABEL, type Readiness, type ReadinessState } from "@/lib/checks/readiness";
import { FloatingDetails } from "./floating-details";

const STYLE: Record<ReadinessState, { icon: string; className: string }> = {
  ready: {
    icon: "✓",
    className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  },
  failing: { icon: "✕", className: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300" },
  "not-checked": {
    icon: "?",
    className: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  },
  stale: {
    icon: "↻",
    className: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
  },
};

const SUMMARY_CLASS =
  "cursor-pointer list-none rounded focus:outline-none focus:ring-2 focus:ring-blue-600/40";

/** A node's readiness for an apply: the badge, and the reasons a click away (as host validations). */
export function ReadinessBadge({
  readiness,
  floating = false,
}: {
  readiness: Readiness | undefined;
  /** the reasons open over the page (from a fixed-height table row) instead of below the badge */
  floating?: boolean;
}) {
  if (!readiness) return <span className="text-xs text-slate-500 dark:text-slate-400">…</span>;
  const style = STYLE[readiness.state];
  const badge = (
    <span
      data-testid={`readiness-${readiness.node}`}
      data-state={readiness.state}
      className={`${badgeClass} ${style.className}`}
    >
      <span aria-hidden>{style.icon}</span>
      {READINESS_LABEL[readiness.state]}
      {!readiness.overridable && " · blocked"}
    </span>
  );
  if (readiness.reasons.length === 0) return badge;
  const count = readiness.reasons.length;
  const summary = (
    <>
      {badge}
      <span className="ml-1 text-xs text-slate-600 group-open:hidden dark:text-slate-400">
        {count}
        {/* a table row has room for the count only */}
        <span className={floating ? "sr-only" : ""}> reason{count === 1 ? "" : "s"}</span>
        {floating && <span aria-hidden> ▾</span>}
      </span>
    </>
  );
  if (floating) {
    return (
      <FloatingDetails summary={summary} summaryClassName={SUMMARY_CLASS}>
        <ReadinessReasons readiness={readiness} />
      </FloatingDetails>
    );
  }
  return (
    <details className="group min-w-44 max-w-xs">
      <summary className={SUMMARY_CLASS}>{summary}</summary>
      <ReadinessReasons readiness={readiness} />
    </details>
  );
}

/** Why a node is not ready, one line per reason; those no override can pass are marked. */
export function ReadinessReasons({ readiness }: { readiness: Readiness }) {
  return (
    <ul className="mt-1 list-disc space-y-0.5 pl-4 text-xs text-slate-700 dark:text-slate-300">
      {readiness.reasons.map((reason) => (
        <li key={`${reason.check}:${reason.message}`} className="break-words">
          {reason.message}
          {!reason.overridable && (
            <strong className="font-semibold text-red-800 dark:text-red-300">
              {" "}
              (cannot be overridden)
            </strong>
          )}
        </li>
      ))}
    </ul>
  );
}
