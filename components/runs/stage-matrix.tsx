"use client";

import { memo, useMemo, useState } from "react";
import { rowButtonClass } from "@/components/fleet/styles";
import {
  type NodeState,
  type RunDetail,
  type RunNode,
  runLogHref,
  type StageRecord,
} from "@/lib/client/runs-api";
import { sizeText } from "@/lib/runs/binary-choice";
import type { Progress } from "@/lib/runs/run-model";
import { STATE_STYLE, StateBadge } from "./run-badge";
import { durationBetween, plural, stageSlug } from "./run-format";

/** Stage names in the order nodes went through them (first seen first). */
export function stageColumns(nodes: RunNode[]): string[] {
  const seen = new Set<string>();
  for (const node of nodes) for (const stage of node.stages) seen.add(stage.name);
  return [...seen];
}

const PROBLEM_STATES = new Set(["failed", "interrupted", "cancelled"]);

/** Rows = nodes, columns = stages: each cell its state, duration and (on failure) why. */
export function StageMatrix({
  runId,
  nodes,
  colours,
  now,
  progress,
  onShowLog,
}: {
  runId: string;
  nodes: RunNode[];
  colours: Map<string, string>;
  now: number;
  /** the run's progress events by node (bytes sent to it, …) */
  progress?: RunDetail["progress"];
  onShowLog: (node: string) => void;
}) {
  const columns = useMemo(() => stageColumns(nodes), [nodes]);
  const problems = nodes.filter((node) => PROBLEM_STATES.has(node.state)).length;
  const [onlyProblems, setOnlyProblems] = useState(false);
  const shown =
    onlyProblems && problems > 0 ? nodes.filter((node) => PROBLEM_STATES.has(node.state)) : nodes;

  if (nodes.length === 0) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        This run has no nodes: the selection matched none in the inventory.
      </p>
    );
  }
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2 text-sm">
        <StateCounts counts={countStates(nodes)} />
        {problems > 0 && (
          <label className="flex items-center gap-2 text-xs">
            <input
              type="checkbox"
              checked={onlyProblems}
              onChange={(event) => setOnlyProblems(event.target.checked)}
            />
            Only the {plural(problems, "node")} that did not succeed
          </label>
        )}
      </div>
      <div className="relative overflow-x-auto">
        <table
          className="w-full text-sm"
          aria-label="Stages of each node"
          data-testid="stage-matrix"
        >
          <thead className="text-left text-xs text-slate-600 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-2 py-2 font-medium">
                Node
              </th>
              <th scope="col" className="px-2 py-2 font-medium">
                Node state
              </th>
              {columns.map((stage) => (
                <th key={stage} scope="col" className="px-2 py-2 font-medium whitespace-nowrap">
                  {stage}
                </th>
              ))}
              <th scope="col" className="px-2 py-2 text-right font-medium">
                Log
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((node) => (
              <MatrixRow
                key={node.node}
                runId={runId}
                node={node}
                columns={columns}
                colour={colours.get(node.node) ?? ""}
                // only rows with something running need the ticking clock
                now={node.state === "running" ? now : 0}
                progress={node.state === "running" ? progress?.[node.node] : undefined}
                onShowLog={onShowLog}
              />
            ))}
          </tbody>
        </table>
      </div>
      {columns.length === 0 && (
        <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
          No node has started a stage yet.
        </p>
      )}
    </div>
  );
}

const MatrixRow = memo(function MatrixRow({
  runId,
  node,
  columns,
  colour,
  now,
  progress,
  onShowLog,
}: {
  runId: string;
  node: RunNode;
  columns: string[];
  colour: string;
  now: number;
  progress: Record<string, Progress> | undefined;
  onShowLog: (node: string) => void;
}) {
  const byName = new Map(node.stages.map((stage) => [stage.name, stage]));
  const over = node.state !== "pending" && node.state !== "running";
  return (
    <tr
      className="border-t border-slate-200 align-top dark:border-slate-800"
      data-testid={`stage-row-${node.node}`}
    >
      <th scope="row" className="px-2 py-2 text-left font-medium whitespace-nowrap">
        <span aria-hidden className={`mr-1.5 ${colour}`}>
          ●
        </span>
        {node.node}
      </th>
      <td className="px-2 py-2">
        <StateBadge state={node.state} testId={`node-state-${node.node}`} />
        {Object.values(progress ?? {}).map((item) => (
          <ProgressLine key={item.item} node={node.node} progress={item} />
        ))}
      </td>
      {columns.map((name) => (
        <td
          key={name}
          className="px-2 py-2"
          data-testid={`stage-cell-${node.node}-${stageSlug(name)}`}
          data-state={byName.get(name)?.state ?? "none"}
        >
          <StageCell stage={byName.get(name)} nodeState={node.state} over={over} now={now} />
        </td>
      ))}
      <td className="px-2 py-2 text-right whitespace-nowrap">
        <button
          type="button"
          className={rowButtonClass}
          onClick={() => onShowLog(node.node)}
          aria-label={`Show log of ${node.node}`}
        >
          Show log
        </button>
        <a
          href={runLogHref(runId, { node: node.node })}
          download
          className={rowButtonClass}
          aria-label={`Download log of ${node.node}`}
        >
          Download
        </a>
      </td>
    </tr>
  );
});

/** What is on its way to a node: a bar and its figures, while it is not all there. */
function ProgressLine({ node, progress }: { node: string; progress: Progress }) {
  const { item, done, total, unit } = progress;
  if (total !== null && done >= total) return null;
  const figure = (n: number) => (unit === "bytes" ? sizeText(n) : String(n));
  const text = `${figure(done)}${total === null ? "" : ` of ${figure(total)}`}`;
  return (
    <div
      className="mt-1 text-xs text-slate-600 dark:text-slate-400"
      data-testid={`progress-${node}`}
    >
      {total !== null && (
        <progress
          className="block h-1.5 w-28"
          value={done}
          max={total}
          aria-label={`${item} to ${node}`}
        />
      )}
      <span className="whitespace-nowrap" title={item}>
        {text}
      </span>
    </div>
  );
}

function StageCell({
  stage,
  nodeState,
  over,
  now,
}: {
  stage: StageRecord | undefined;
  nodeState: RunNode["state"];
  over: boolean;
  now: number;
}) {
  if (!stage) {
    return (
      <span className="text-xs text-slate-500 dark:text-slate-400">
        <span aria-hidden>– </span>
        {over ? "not reached" : "not yet"}
      </span>
    );
  }
  // a stage still "running" on a node that is over was cut short: say how
  const cut = over && stage.state === "running";
  return (
    <div className="space-y-0.5">
      <StateBadge
        state={cut ? nodeState : stage.state}
        detail={
          stage.finishedAt || !over
            ? durationBetween(stage.startedAt, stage.finishedAt, now || Date.now())
            : undefined
        }
      />
      {stage.error && (
        <p className="max-w-72 truncate text-xs text-red-700 dark:text-red-400" title={stage.error}>
          {stage.error}
        </p>
      )}
    </div>
  );
}

/** How many of `nodes` are in each state. */
export function countStates(nodes: Pick<RunNode, "state">[]): Partial<Record<NodeState, number>> {
  const counts: Partial<Record<NodeState, number>> = {};
  for (const node of nodes) counts[node.state] = (counts[node.state] ?? 0) + 1;
  return counts;
}

/** "3 succeeded · 1 failed · 2 waiting", icon and word each. */
export function StateCounts({ counts }: { counts: Partial<Record<NodeState, number>> }) {
  const order: RunNode["state"][] = [
    "failed",
    "interrupted",
    "cancelled",
    "running",
    "pending",
    "succeeded",
  ];
  return (
    <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
      {order
        .filter((state) => counts[state] !== undefined)
        .map((state) => (
          <span key={state} className="inline-flex items-center gap-1 whitespace-nowrap">
            <span aria-hidden>{STATE_STYLE[state].icon}</span>
            <span className="tabular-nums font-semibold">{counts[state]?.toLocaleString()}</span>
            {STATE_STYLE[state].text}
          </span>
        ))}
    </span>
  );
}
