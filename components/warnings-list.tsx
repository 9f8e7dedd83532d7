import type { RenderWarning } from "@/lib/render/types";

export function WarningsList({ warnings }: { warnings: RenderWarning[] }) {
  if (warnings.length === 0) {
    return (
      <p className="mb-3 text-sm text-emerald-700 dark:text-emerald-400">
        No known pitfalls in these settings.
      </p>
    );
  }
  return (
    <ul className="mb-3 space-y-1.5" data-testid="warnings" aria-label="Warnings">
      {warnings.map((warning) => (
        <li
          key={`${warning.code}:${warning.subject ?? ""}`}
          className="rounded-md border-l-4 border-amber-500 bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
        >
          {warning.message}
        </li>
      ))}
    </ul>
  );
}
