import type { CheckSummary } from "./fleet-model";
import { STATUS_STYLE } from "./status-icon";
import { badgeClass } from "./styles";

/** Pass / warn / fail / overridden counts of a node's latest checks, or "never checked". */
export function CheckCounts({ summary }: { summary: CheckSummary | null }) {
  if (!summary) {
    return <span className="text-xs text-slate-500 dark:text-slate-400">never checked</span>;
  }
  const parts = (["fail", "warn", "pass", "overridden"] as const).filter((key) => summary[key] > 0);
  return (
    <span className="flex gap-1">
      {parts.map((key) => (
        <span
          key={key}
          className={`${badgeClass} ${STATUS_STYLE[key].className}`}
          title={`${summary[key]} ${STATUS_STYLE[key].text}`}
        >
          <span aria-hidden>{STATUS_STYLE[key].icon}</span>
          {summary[key]}
          <span className="sr-only"> {STATUS_STYLE[key].text}</span>
        </span>
      ))}
    </span>
  );
}
