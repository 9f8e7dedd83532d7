"use client";

import { memo, type ReactNode } from "react";
import { ReadinessBadge } from "@/components/checks/readiness-badge";
import type { Readiness } from "@/lib/checks/readiness";
import type { CheckResult, NodePublic } from "@/lib/inventory/types";
import { sshTarget } from "@/lib/ssh/target";
import { CheckCounts } from "./check-counts";
import type { HostKeyProblem } from "./check-model";
import { CARD, CELL, CLIPPED_CELL, COLUMNS, type ColumnKey } from "./fleet-columns";
import {
  addressOf,
  formatTime,
  labelText,
  osArch,
  shortFingerprint,
  summarize,
} from "./fleet-model";
import { badgeClass, rowButtonClass } from "./styles";

export interface RowActions {
  onSelect: (name: string, selected: boolean) => void;
  onToggle: (name: string) => void;
  onEdit: (node: NodePublic) => void;
  onDuplicate: (node: NodePublic) => void;
  onRemove: (node: NodePublic) => void;
}

const muted = "text-slate-500 dark:text-slate-400";

/** what a cell shows, its classes (default: CELL) and its tooltip (the whole of a cut text) */
interface Cell {
  content: ReactNode;
  className?: string;
  title?: string;
}

/**
 * One node of the fleet table, one compact line (a three-line card on a phone); re-rendered only
 * when its own props change (1,000 rows).
 */
export const NodeRow = memo(function NodeRow({
  node,
  columns,
  position,
  results,
  readiness,
  problem,
  selected,
  expanded,
  actions,
}: {
  node: NodePublic;
  /** the columns the viewport shows */
  columns: ColumnKey[];
  /** aria-rowindex: its place among all rows, of which only a window is rendered */
  position: number;
  results: CheckResult[] | undefined;
  readiness: Readiness | undefined;
  problem: HostKeyProblem | null;
  selected: boolean;
  expanded: boolean;
  actions: RowActions;
}) {
  const summary = summarize(results);
  const labels = labelText(node.labels);
  const target = addressOf(node);
  const os = osArch(results);
  const cells: Record<ColumnKey, Cell> = {
    select: {
      content: (
        <input
          type="checkbox"
          aria-label={`Select ${node.name}`}
          checked={selected}
          onChange={(event) => actions.onSelect(node.name, event.target.checked)}
        />
      ),
    },
    name: {
      content: (
        <span className="flex min-w-0 items-baseline gap-2">
          <button
            type="button"
            aria-expanded={expanded}
            aria-controls={`details-${node.name}`}
            onClick={() => actions.onToggle(node.name)}
            className="max-w-full shrink-0 truncate rounded text-left font-mono font-medium hover:underline focus:outline-none focus:ring-2 focus:ring-blue-600/40"
          >
            <span aria-hidden className={`mr-1 ${muted}`}>
              {expanded ? "▾" : "▸"}
            </span>
            {node.name}
          </button>
          {labels && <span className={`min-w-0 truncate text-xs ${muted}`}>{labels}</span>}
        </span>
      ),
      className: CLIPPED_CELL,
      title: labels ? `${node.name}: ${labels}` : node.name,
    },
    address: {
      content: (
        <>
          <span className="font-mono text-xs">{target}</span>
          <span className={`text-xs lg:hidden ${muted}`}> · {node.role}</span>
          {node.bastion && (
            <span
              className={`${badgeClass} ml-1 bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300`}
              title={`via ${sshTarget(node.bastion.user, node.bastion.address, node.bastion.port)}`}
            >
              via bastion
            </span>
          )}
        </>
      ),
      className: CLIPPED_CELL,
      title: target,
    },
    role: { content: node.role, className: CLIPPED_CELL, title: node.role },
    registry: {
      content: node.registryAddress ?? (
        <span className={`font-sans italic ${muted}`}>fleet default</span>
      ),
      className: `${CLIPPED_CELL} font-mono text-xs`,
      title: node.registryAddress ?? undefined,
    },
    hostKey: { content: <HostKeyCell node={node} problem={problem} />, className: CLIPPED_CELL },
    os: {
      content: os ?? <span className={muted}>—</span>,
      className: `${CLIPPED_CELL} text-xs`,
      title: os ?? undefined,
    },
    checks: { content: <CheckCounts summary={summary} />, className: CLIPPED_CELL },
    lastChecked: {
      content: summary?.lastAt ? (
        <time dateTime={summary.lastAt} title={summary.lastAt}>
          {formatTime(summary.lastAt)}
        </time>
      ) : (
        <span className={muted}>—</span>
      ),
      className: `${CLIPPED_CELL} text-xs`,
    },
    // not clipped: the reasons open over the rows below
    readiness: { content: <ReadinessBadge readiness={readiness} floating /> },
    actions: {
      content: (
        <>
          <button type="button" className={rowButtonClass} onClick={() => actions.onEdit(node)}>
            Edit<span className="sr-only"> {node.name}</span>
          </button>
          <button
            type="button"
            className={rowButtonClass}
            onClick={() => actions.onDuplicate(node)}
          >
            Duplicate<span className="sr-only"> {node.name}</span>
          </button>
          <button
            type="button"
            className={`${rowButtonClass} text-red-700 dark:text-red-400`}
            onClick={() => actions.onRemove(node)}
          >
            Remove<span className="sr-only"> {node.name}</span>
          </button>
        </>
      ),
      className: `${CELL} text-right`,
    },
  };
  return (
    <tr
      data-testid={`node-row-${node.name}`}
      data-node={node.name}
      aria-rowindex={position}
      aria-selected={selected}
      className={`${CARD} ${selected ? "bg-blue-50/70 dark:bg-blue-950/30" : ""}`}
    >
      {columns.map((key) => {
        const { content, className = CELL, title } = cells[key];
        return (
          <td key={key} className={`${className} ${COLUMNS[key].card ?? ""}`} title={title}>
            {content}
          </td>
        );
      })}
    </tr>
  );
});

function HostKeyCell({ node, problem }: { node: NodePublic; problem: HostKeyProblem | null }) {
  if (problem && problem.kind !== "unknown") {
    return (
      <span className={`${badgeClass} bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300`}>
        <span aria-hidden>✕</span>
        {problem.kind === "changed" ? "key changed" : "unexpected key"}
      </span>
    );
  }
  if (node.hostKey) {
    return (
      <code className="text-xs" title={`${node.hostKey.type} ${node.hostKey.fingerprint}`}>
        {shortFingerprint(node.hostKey.fingerprint)}
      </code>
    );
  }
  const text = problem ? "not trusted: expand to compare the key" : "not trusted";
  return (
    <span
      title={text}
      className={`${badgeClass} bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300`}
    >
      {text}
    </span>
  );
}
