"use client";

import { buttonClass, inputClass, primaryButtonClass } from "@/components/ui";
import { type ExportFormat, exportHref } from "@/lib/client/fleet-api";

const EXPORTS: [ExportFormat, string][] = [
  ["k0sctl", "k0sctl.yaml"],
  ["ansible", "Ansible INI"],
  ["csv", "CSV"],
];

/** Filter, add, run checks and export, above the fleet table. */
export function FleetToolbar({
  filter,
  onFilter,
  total,
  shown,
  selectedCount,
  running,
  onAdd,
  onRunSelected,
  onRunAll,
}: {
  filter: string;
  onFilter: (filter: string) => void;
  total: number;
  shown: number;
  selectedCount: number;
  running: boolean;
  onAdd: () => void;
  onRunSelected: () => void;
  onRunAll: () => void;
}) {
  return (
    <div className="mb-3 flex flex-wrap items-end gap-2">
      <div className="min-w-48 flex-1 max-sm:basis-full">
        <label htmlFor="fleet-filter" className="sr-only">
          Filter nodes
        </label>
        <input
          id="fleet-filter"
          type="search"
          value={filter}
          placeholder="Filter by name, address, role or label"
          onChange={(event) => onFilter(event.target.value)}
          className={inputClass}
        />
        {total > 0 && (
          <p
            data-testid="fleet-count"
            className="mt-0.5 text-xs text-slate-600 dark:text-slate-400"
            aria-live="polite"
          >
            {shown === total
              ? `${total} node${total === 1 ? "" : "s"}`
              : `${shown} of ${total} nodes shown`}
          </p>
        )}
      </div>
      <button type="button" className={buttonClass} onClick={onAdd}>
        Add node
      </button>
      <button
        type="button"
        className={buttonClass}
        disabled={running || selectedCount === 0}
        onClick={onRunSelected}
      >
        Run checks on {selectedCount} selected
      </button>
      <button
        type="button"
        className={primaryButtonClass}
        disabled={running || total === 0}
        aria-busy={running}
        onClick={onRunAll}
      >
        {running ? "Checks running…" : "Run checks on all"}
      </button>
      {total > 0 && (
        <div className="flex items-center gap-2 text-xs">
          <span className="text-slate-500 dark:text-slate-400">Export:</span>
          {EXPORTS.map(([format, label]) => (
            <a
              key={format}
              href={exportHref(format)}
              download
              className="text-blue-700 underline hover:text-blue-900 dark:text-blue-300"
            >
              {label}
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
