"use client";

import { buttonClass } from "@/components/ui";
import type { BulkKind } from "./bulk-dialogs";
import { dangerButtonClass } from "./styles";

const ACTIONS: { kind: BulkKind; label: string }[] = [
  { kind: "trust", label: "Trust host keys…" },
  { kind: "known-hosts", label: "Pin from known_hosts…" },
  { kind: "edit", label: "Edit…" },
];

/** What can be done to the selected nodes at once; shown while some are selected. */
export function BulkBar({
  selected,
  matching,
  onSelectMatching,
  onClear,
  onOpen,
}: {
  selected: number;
  /** nodes the filter shows */
  matching: number;
  onSelectMatching: () => void;
  onClear: () => void;
  onOpen: (kind: BulkKind) => void;
}) {
  if (selected === 0) return null;
  return (
    <div
      role="toolbar"
      aria-label="Selected nodes"
      className="mb-3 flex flex-wrap items-center gap-2 rounded-md border border-blue-200 bg-blue-50 px-3 py-2 text-sm dark:border-blue-900 dark:bg-blue-950/40"
    >
      <span className="font-medium" aria-live="polite" data-testid="selected-count">
        {selected} selected
      </span>
      {matching > selected && (
        <button type="button" className={buttonClass} onClick={onSelectMatching}>
          Select all {matching} matching
        </button>
      )}
      <button type="button" className={buttonClass} onClick={onClear}>
        Clear selection
      </button>
      <span className="flex flex-wrap gap-2 sm:ml-auto">
        {ACTIONS.map(({ kind, label }) => (
          <button key={kind} type="button" className={buttonClass} onClick={() => onOpen(kind)}>
            {label}
          </button>
        ))}
        <button type="button" className={dangerButtonClass} onClick={() => onOpen("remove")}>
          Remove {selected}…
        </button>
      </span>
    </div>
  );
}
