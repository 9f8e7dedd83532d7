"use client";

import { Fragment, type ReactNode, useEffect, useRef } from "react";
import type { Readiness } from "@/lib/checks/readiness";
import type { NodePublic } from "@/lib/inventory/types";
import type { HostKeyProblem } from "./check-model";
import type { Sort, SortKey } from "./fleet-model";
import { NodeRow, type RowActions } from "./node-row";
import { SortHeader } from "./sort-header";
import type { ChecksByNode } from "./use-fleet";

const COLUMNS: [SortKey, string][] = [
  ["name", "Name"],
  ["address", "Address"],
  ["role", "Role"],
  ["registry", "Registry"],
  ["hostKey", "Host key"],
  ["os", "OS / arch"],
  ["checks", "Checks"],
  ["lastChecked", "Last checked"],
];

/** The fleet: sortable columns, row selection, a details row under each expanded node. */
export function FleetTable({
  nodes,
  checks,
  readiness,
  problems,
  selected,
  expanded,
  sort,
  onSort,
  onSelectAll,
  actions,
  details,
}: {
  nodes: NodePublic[];
  checks: ChecksByNode;
  readiness: Map<string, Readiness>;
  problems: Map<string, HostKeyProblem>;
  selected: Set<string>;
  expanded: Set<string>;
  sort: Sort;
  onSort: (sort: Sort) => void;
  onSelectAll: (selected: boolean) => void;
  actions: RowActions;
  details: (node: NodePublic) => ReactNode;
}) {
  const selectAll = useRef<HTMLInputElement>(null);
  const count = nodes.filter((node) => selected.has(node.name)).length;
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = count > 0 && count < nodes.length;
  }, [count, nodes.length]);

  return (
    <div className="relative overflow-x-auto">
      <table className="w-full text-sm" aria-label="Fleet nodes">
        <thead className="text-left text-xs text-slate-600 dark:text-slate-400">
          <tr>
            <th scope="col" className="w-8 px-2 py-2">
              <input
                ref={selectAll}
                type="checkbox"
                aria-label="Select all shown nodes"
                checked={nodes.length > 0 && count === nodes.length}
                disabled={nodes.length === 0}
                onChange={(event) => onSelectAll(event.target.checked)}
              />
            </th>
            {COLUMNS.map(([column, label]) => (
              <SortHeader key={column} label={label} column={column} sort={sort} onSort={onSort} />
            ))}
            <th scope="col" className="px-2 py-2 font-medium">
              Readiness
            </th>
            <th scope="col" className="px-2 py-2 text-right font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => (
            <Fragment key={node.name}>
              <NodeRow
                node={node}
                results={checks[node.name]}
                readiness={readiness.get(node.name)}
                problem={problems.get(node.name) ?? null}
                selected={selected.has(node.name)}
                expanded={expanded.has(node.name)}
                actions={actions}
              />
              {expanded.has(node.name) && (
                <tr id={`details-${node.name}`} data-testid={`node-details-${node.name}`}>
                  <td
                    colSpan={COLUMNS.length + 3}
                    className="border-t border-dashed border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950/50"
                  >
                    {details(node)}
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
