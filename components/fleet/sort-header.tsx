"use client";

import type { Sort, SortKey } from "./fleet-model";

/** A column header that sorts the table; aria-sort tells which column and which way. */
export function SortHeader({
  label,
  column,
  sort,
  onSort,
  className,
}: {
  label: string;
  column: SortKey;
  sort: Sort;
  onSort: (sort: Sort) => void;
  /** width and visibility of the column */
  className: string;
}) {
  const active = sort.key === column;
  const next = active && sort.direction === "ascending" ? "descending" : "ascending";
  return (
    <th
      scope="col"
      aria-sort={active ? sort.direction : "none"}
      className={`whitespace-nowrap font-medium ${className}`}
    >
      <button
        type="button"
        onClick={() => onSort({ key: column, direction: next })}
        className="inline-flex items-center gap-1 rounded hover:text-slate-900 focus:outline-none focus:ring-2 focus:ring-blue-600/40 dark:hover:text-white"
      >
        {label}
        <span aria-hidden className={active ? "" : "opacity-30"}>
          {active && sort.direction === "descending" ? "▼" : "▲"}
        </span>
      </button>
    </th>
  );
}
