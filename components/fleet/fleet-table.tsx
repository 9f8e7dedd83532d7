"use client";

import { type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useVirtualRows } from "@/components/runs/use-virtual-rows";
import { layOut, type RowExtra } from "@/components/runs/virtual-window";
import type { Readiness } from "@/lib/checks/readiness";
import type { NodePublic } from "@/lib/inventory/types";
import type { HostKeyProblem } from "./check-model";
import {
  CARD_GRID,
  COLUMN_STEPS,
  COLUMNS,
  type ColumnKey,
  columnsFrom,
  ROW_HEIGHT,
  TABLE_FROM,
} from "./fleet-columns";
import type { Sort } from "./fleet-model";
import { NodeRow, type RowActions } from "./node-row";
import { SortHeader } from "./sort-header";
import type { ChecksByNode } from "./use-fleet";
import { useWidthStep } from "./use-width-step";

/** a header cell: sticky with the header, and where it sits in a phone's header bar */
const HEAD = "bg-white py-2 lg:px-2 dark:bg-slate-900";

/**
 * The fleet: sortable columns, row selection, a details row under each expanded node. Only the
 * rows in view (and some around them) are in the DOM; the header stays on top as they scroll.
 */
export function FleetTable({
  nodes,
  checks,
  readiness,
  problems,
  selected,
  selectedCount,
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
  /** how many of `nodes` are selected */
  selectedCount: number;
  expanded: Set<string>;
  sort: Sort;
  onSort: (sort: Sort) => void;
  onSelectAll: (selected: boolean) => void;
  actions: RowActions;
  details: (node: NodePublic) => ReactNode;
}) {
  const selectAll = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAll.current)
      selectAll.current.indeterminate = selectedCount > 0 && selectedCount < nodes.length;
  }, [selectedCount, nodes.length]);

  const width = useWidthStep(COLUMN_STEPS, TABLE_FROM);
  const wide = width >= TABLE_FROM;
  const columns = useMemo(() => columnsFrom(width), [width]);
  const [detailHeights, setDetailHeights] = useState<Map<string, number>>(new Map());
  const extras = useMemo(() => {
    const found: RowExtra[] = [];
    nodes.forEach((node, index) => {
      if (expanded.has(node.name)) found.push({ index, height: detailHeights.get(node.name) ?? 0 });
    });
    return found;
  }, [nodes, expanded, detailHeights]);
  const rowHeight = wide ? ROW_HEIGHT.table : ROW_HEIGHT.card;
  const rows = useVirtualRows({
    count: nodes.length,
    rowHeight,
    follow: false,
    overscan: 20,
    extras,
  });
  // the row holding the keyboard focus stays in the page when it scrolls out of the window
  const [focused, setFocused] = useState<string | null>(null);
  const keep = useMemo(
    () => (focused === null ? null : nodes.findIndex((node) => node.name === focused)),
    [nodes, focused],
  );

  const rendered = layOut(rows, keep, nodes.length, rowHeight, extras).flatMap((laid) => {
    if ("gap" in laid)
      return [<Spacer key={`gap-${laid.from}`} height={laid.gap} span={columns.length} />];
    const node = nodes[laid.row];
    if (!node) return [];
    const row = (
      <NodeRow
        key={node.name}
        node={node}
        columns={columns}
        position={laid.row + 2}
        results={checks[node.name]}
        readiness={readiness.get(node.name)}
        problem={problems.get(node.name) ?? null}
        selected={selected.has(node.name)}
        expanded={expanded.has(node.name)}
        actions={actions}
      />
    );
    if (!expanded.has(node.name)) return [row];
    return [
      row,
      <DetailsRow
        key={`details-${node.name}`}
        name={node.name}
        span={columns.length}
        onHeight={(height) =>
          setDetailHeights((current) =>
            current.get(node.name) === height ? current : new Map(current).set(node.name, height),
          )
        }
      >
        {details(node)}
      </DetailsRow>,
    ];
  });

  return (
    <div
      ref={rows.ref}
      onScroll={rows.onScroll}
      data-testid="fleet-scroll"
      className="max-h-[70vh] overflow-auto rounded-md border border-slate-200 dark:border-slate-800"
    >
      <table
        className="w-full table-fixed border-separate border-spacing-0 text-sm max-lg:block"
        aria-label="Fleet nodes"
        aria-rowcount={nodes.length + 1}
      >
        <thead
          data-testid="fleet-header"
          className="sticky top-0 z-10 bg-white text-left text-xs text-slate-600 shadow-[0_1px_0_rgb(0_0_0/0.08)] max-lg:block dark:bg-slate-900 dark:text-slate-400"
        >
          <tr aria-rowindex={1} className={CARD_GRID}>
            {columns.map((column) => (
              <HeaderCell
                key={column}
                column={column}
                sort={sort}
                onSort={onSort}
                selectAll={
                  <input
                    ref={selectAll}
                    type="checkbox"
                    aria-label="Select all shown nodes"
                    checked={nodes.length > 0 && selectedCount === nodes.length}
                    disabled={nodes.length === 0}
                    onChange={(event) => onSelectAll(event.target.checked)}
                  />
                }
              />
            ))}
          </tr>
        </thead>
        <tbody
          className="max-lg:block"
          onFocus={(event) => {
            const row = event.target.closest<HTMLElement>("[data-node]");
            setFocused(row?.dataset.node ?? null);
          }}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget)) setFocused(null);
          }}
        >
          {rendered}
        </tbody>
      </table>
    </div>
  );
}

/** The rows not rendered above or below the window: their height, so the scrollbar is right. */
function Spacer({ height, span }: { height: number; span: number }) {
  return (
    <tr aria-hidden className="max-lg:block" style={{ height }}>
      <td colSpan={span} className="p-0 max-lg:hidden" />
    </tr>
  );
}

/** A column's header: a sort button, the select-all box, or a plain title (sticky with the header). */
function HeaderCell({
  column,
  sort,
  onSort,
  selectAll,
}: {
  column: ColumnKey;
  sort: Sort;
  onSort: (sort: Sort) => void;
  selectAll: ReactNode;
}) {
  const { label, width } = COLUMNS[column];
  // the cards show no header for the columns they fold into a line
  const className = `${HEAD} ${width} ${["select", "name", "readiness"].includes(column) ? "" : "max-lg:hidden"}`;
  if (column === "select" || column === "readiness" || column === "actions") {
    return (
      <th scope="col" className={`${className} font-medium`}>
        {column === "select" ? (
          selectAll
        ) : column === "readiness" ? (
          "Readiness"
        ) : (
          <span className="sr-only">Actions</span>
        )}
      </th>
    );
  }
  return (
    <SortHeader
      label={label ?? column}
      column={column}
      sort={sort}
      onSort={onSort}
      className={className}
    />
  );
}

/** An expanded node's details under its row, telling the window its height as it changes. */
function DetailsRow({
  name,
  span,
  onHeight,
  children,
}: {
  name: string;
  /** the columns shown */
  span: number;
  onHeight: (height: number) => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLTableRowElement>(null);
  const report = useRef(onHeight);
  report.current = onHeight;
  useLayoutEffect(() => {
    const row = ref.current;
    if (!row) return;
    const observer = new ResizeObserver(() => report.current(row.getBoundingClientRect().height));
    observer.observe(row);
    return () => observer.disconnect();
  }, []);
  return (
    <tr
      ref={ref}
      id={`details-${name}`}
      data-testid={`node-details-${name}`}
      data-node={name}
      className="max-lg:block"
    >
      <td
        colSpan={span}
        className="whitespace-normal border-t border-dashed border-slate-200 bg-slate-50 max-lg:block dark:border-slate-800 dark:bg-slate-950/50"
      >
        {children}
      </td>
    </tr>
  );
}
