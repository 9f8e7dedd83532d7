"use client";

import { type KeyboardEvent, memo, useRef } from "react";

/**
 * The merged view and one tab per node. Arrow keys, Home and End move between tabs (and show
 * them: switching views is cheap); only the selected tab is in the Tab order.
 */
export const LogTabs = memo(function LogTabs({
  idPrefix,
  nodes,
  colours,
  active,
  onSelect,
}: {
  idPrefix: string;
  nodes: string[];
  colours: Map<string, string>;
  /** null = the merged view */
  active: string | null;
  onSelect: (node: string | null) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const tabs: (string | null)[] = [null, ...nodes];
  const current = Math.max(0, tabs.indexOf(active));

  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowRight: current + 1,
      ArrowLeft: current - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const index = (target + tabs.length) % tabs.length;
    onSelect(tabs[index] ?? null);
    list.current?.querySelectorAll<HTMLButtonElement>("[role=tab]")[index]?.focus();
  };

  return (
    <div
      ref={list}
      role="tablist"
      aria-label="Log views"
      onKeyDown={onKeyDown}
      className="flex min-w-0 gap-1 overflow-x-auto pb-1"
    >
      {tabs.map((node, index) => {
        const selected = index === current;
        return (
          <button
            key={node ?? "\u0000merged"}
            id={tabId(idPrefix, index)}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={selected ? 0 : -1}
            data-testid={node === null ? "log-tab-all" : `log-tab-${node}`}
            onClick={() => onSelect(node)}
            className="shrink-0 whitespace-nowrap rounded-md border border-transparent px-2.5 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 focus:outline-none focus:ring-2 focus:ring-blue-600/40 aria-selected:border-slate-300 aria-selected:bg-white aria-selected:text-slate-900 aria-selected:shadow-sm dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-selected:border-slate-600 dark:aria-selected:bg-slate-800 dark:aria-selected:text-white"
          >
            {node === null ? (
              "All nodes"
            ) : (
              <>
                <span aria-hidden className={`mr-1 ${colours.get(node) ?? ""}`}>
                  ●
                </span>
                {node}
              </>
            )}
          </button>
        );
      })}
    </div>
  );
});

export function tabId(idPrefix: string, index: number): string {
  return `${idPrefix}-tab-${index}`;
}
