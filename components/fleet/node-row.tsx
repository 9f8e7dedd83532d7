"use client";

import { memo } from "react";
import { ReadinessBadge } from "@/components/checks/readiness-badge";
import type { Readiness } from "@/lib/checks/readiness";
import type { CheckResult, NodePublic } from "@/lib/inventory/types";
import { sshTarget } from "@/lib/ssh/target";
import { CheckCounts } from "./check-counts";
import type { HostKeyProblem } from "./check-model";
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

/** One node of the fleet table; re-rendered only when its own props change (1,000 rows). */
export const NodeRow = memo(function NodeRow({
  node,
  results,
  readiness,
  problem,
  selected,
  expanded,
  actions,
}: {
  node: NodePublic;
  results: CheckResult[] | undefined;
  readiness: Readiness | undefined;
  problem: HostKeyProblem | null;
  selected: boolean;
  expanded: boolean;
  actions: RowActions;
}) {
  const summary = summarize(results);
  const labels = labelText(node.labels);
  return (
    <tr
      data-testid={`node-row-${node.name}`}
      aria-selected={selected}
      className={`border-t border-slate-200 align-top dark:border-slate-800 ${selected ? "bg-blue-50/70 dark:bg-blue-950/30" : ""}`}
    >
      <td className="px-2 py-2">
        <input
          type="checkbox"
          aria-label={`Select ${node.name}`}
          checked={selected}
          onChange={(event) => actions.onSelect(node.name, event.target.checked)}
        />
      </td>
      <td className="px-2 py-2">
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={`details-${node.name}`}
          onClick={() => actions.onToggle(node.name)}
          className="inline-flex items-start gap-1 whitespace-nowrap rounded text-left font-mono font-medium hover:underline focus:outline-none focus:ring-2 focus:ring-blue-600/40"
        >
          <span aria-hidden className="w-3 text-slate-500">
            {expanded ? "▾" : "▸"}
          </span>
          {node.name}
        </button>
        {labels && <div className="ml-4 text-xs text-slate-500 dark:text-slate-400">{labels}</div>}
      </td>
      <td className="px-2 py-2">
        <span className="font-mono text-xs">{addressOf(node)}</span>
        {node.bastion && (
          <span
            className={`${badgeClass} ml-1 bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300`}
            title={`via ${sshTarget(node.bastion.user, node.bastion.address, node.bastion.port)}`}
          >
            via bastion
          </span>
        )}
      </td>
      <td className="whitespace-nowrap px-2 py-2">{node.role}</td>
      <td className="whitespace-nowrap px-2 py-2 font-mono text-xs">
        {node.registryAddress ?? (
          <span className="font-sans italic text-slate-500 dark:text-slate-400">fleet default</span>
        )}
      </td>
      <td className="px-2 py-2">
        <HostKeyCell node={node} problem={problem} />
      </td>
      <td className="px-2 py-2 text-xs">
        {osArch(results) ?? <span className="text-slate-400">—</span>}
      </td>
      <td className="px-2 py-2">
        <CheckCounts summary={summary} />
      </td>
      <td className="whitespace-nowrap px-2 py-2 text-xs">
        {summary?.lastAt ? (
          <time dateTime={summary.lastAt} title={summary.lastAt}>
            {formatTime(summary.lastAt)}
          </time>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className="px-2 py-2">
        <ReadinessBadge readiness={readiness} />
      </td>
      <td className="whitespace-nowrap px-2 py-1.5 text-right">
        <button type="button" className={rowButtonClass} onClick={() => actions.onEdit(node)}>
          Edit<span className="sr-only"> {node.name}</span>
        </button>
        <button type="button" className={rowButtonClass} onClick={() => actions.onDuplicate(node)}>
          Duplicate<span className="sr-only"> {node.name}</span>
        </button>
        <button
          type="button"
          className={`${rowButtonClass} text-red-700 dark:text-red-400`}
          onClick={() => actions.onRemove(node)}
        >
          Remove<span className="sr-only"> {node.name}</span>
        </button>
      </td>
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
  return (
    <span
      className={`${badgeClass} bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300`}
    >
      {problem ? "not trusted: expand to compare the key" : "not trusted"}
    </span>
  );
}
