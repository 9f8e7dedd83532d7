import type { CheckStatus } from "@/lib/inventory/types";
import { badgeClass } from "./styles";

export const STATUS_STYLE: Record<
  CheckStatus | "overridden",
  { icon: string; text: string; className: string }
> = {
  pass: {
    icon: "✓",
    text: "pass",
    className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  },
  warn: {
    icon: "!",
    text: "warning",
    className: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
  },
  fail: {
    icon: "✕",
    text: "fail",
    className: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  },
  overridden: {
    icon: "⤼",
    text: "overridden",
    className: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  },
};

/** A status shown by icon and word, never by colour alone. */
export function StatusBadge({ status }: { status: CheckStatus | "overridden" }) {
  const style = STATUS_STYLE[status];
  return (
    <span className={`${badgeClass} ${style.className}`}>
      <span aria-hidden>{style.icon}</span>
      {style.text}
    </span>
  );
}
