import type { CatalogResult } from "@/lib/catalog/types";

const SHOWN = 50;

export function CatalogSummary({ catalog }: { catalog: CatalogResult }) {
  return (
    <div className="mt-3 space-y-3 text-sm" data-testid="catalog-summary">
      <p>
        <span className="font-medium">{catalog.images.length}</span> images from{" "}
        <span className="font-medium">{catalog.registries.length}</span> registries (
        {formatName(catalog.format)})
        {catalog.skipped.length > 0 && <>, {catalog.skipped.length} skipped</>}
        {catalog.errors.length > 0 && (
          <span className="text-red-700 dark:text-red-400">, {catalog.errors.length} rejected</span>
        )}
      </p>
      {catalog.errors.length > 0 && (
        <details
          open
          className="rounded-md border border-red-200 bg-red-50 p-2 dark:border-red-900 dark:bg-red-950/40"
        >
          <summary className="cursor-pointer font-medium text-red-800 dark:text-red-300">
            Rejected entries (the others still count)
          </summary>
          <ul className="mt-2 space-y-1 font-mono text-xs" data-testid="catalog-errors">
            {catalog.errors.slice(0, SHOWN).map((error) => (
              <li key={`${error.line}:${error.path ?? ""}:${error.input}`}>
                line {error.line}
                {error.path ? ` (${error.path})` : ""}:{" "}
                <span className="break-all">{error.input}</span> — {error.message}
              </li>
            ))}
          </ul>
          {catalog.errors.length > SHOWN && (
            <p className="mt-1 text-xs">…and {catalog.errors.length - SHOWN} more</p>
          )}
        </details>
      )}
      {catalog.skipped.length > 0 && (
        <details className="rounded-md border border-slate-200 p-2 dark:border-slate-800">
          <summary className="cursor-pointer font-medium">
            Skipped entries (not container images)
          </summary>
          <ul className="mt-2 space-y-1 font-mono text-xs">
            {catalog.skipped.slice(0, SHOWN).map((skipped) => (
              <li key={`${skipped.line}:${skipped.input}`}>
                line {skipped.line}: <span className="break-all">{skipped.input}</span> —{" "}
                {skipped.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function formatName(format: CatalogResult["format"]): string {
  return format.replaceAll("-", " ");
}
