"use client";

import { useState } from "react";
import { rowButtonClass } from "@/components/fleet/styles";
import { planResultOf, type RunDetail, type RunNode } from "@/lib/client/runs-api";
import { STATE_STYLE } from "./run-badge";
import { ACTION_LABEL, plural, predictedRefusals } from "./run-format";

/** Where and why a node did not succeed, from its error and its failed (or cut-short) stage. */
export function nodeProblem(node: RunNode): { stage: string | null; when: string; why: string } {
  const failed = node.stages.find((stage) => stage.state === "failed");
  const cut = node.stages.find((stage) => stage.state === "running" || stage.state === "cancelled");
  const stage = failed ?? cut ?? null;
  const last = node.stages.at(-1);
  const when = stage
    ? `in stage “${stage.name}”`
    : last
      ? `after stage “${last.name}”`
      : "before its first stage";
  const why =
    node.error ??
    failed?.error ??
    (node.state === "interrupted"
      ? "the console stopped while this node was being worked on"
      : node.state === "cancelled"
        ? "the run was cancelled"
        : "no error message was recorded: see its log");
  return { stage: stage?.name ?? null, when, why };
}

/** Failures listed before "Show all" (the matrix can filter to them too). */
const FIRST = 20;

/** "failed", "was interrupted", "was cancelled": what happened to a node that did not succeed. */
export function whatHappened(state: RunNode["state"]): string {
  return state === "failed" ? "failed" : `was ${state}`;
}

/** One line on the run as a whole, and for a run that did not fully succeed, each node's why. */
export function RunSummary({
  run,
  onShowLog,
}: {
  run: RunDetail;
  onShowLog: (node: string) => void;
}) {
  const [all, setAll] = useState(false);
  const action = ACTION_LABEL[run.action] ?? run.action;
  const total = run.nodes.length;
  const problems = run.nodes.filter(
    (node) => node.state === "failed" || node.state === "interrupted" || node.state === "cancelled",
  );
  const done = run.nodes.filter((node) => node.state !== "pending" && node.state !== "running");

  // a plan that succeeded can still predict that its apply will be refused: said, not green
  const refusals =
    run.action === "plan" && run.status === "succeeded"
      ? predictedRefusals(
          run.nodes.map((node) => ({ node: node.node, plan: planResultOf(node.result) })),
        )
      : "";
  let headline: string;
  if (run.action === "push") {
    // its artifacts have their own table; the one part's error says why it stopped
    const error = run.nodes[0]?.error;
    headline = `${action} ${run.status}${error && run.status !== "cancelled" ? `: ${error}` : ""}.`;
  } else if (run.status === "running") {
    const running = run.nodes.filter((node) => node.state === "running").length;
    headline = `${action} running: ${done.length} of ${plural(total, "node")} done, ${running} in progress, ${total - done.length - running} waiting.`;
  } else if (problems.length === 0 && run.status === "succeeded") {
    headline = `${action} succeeded on ${total === 1 ? "its node" : `all ${plural(total, "node")}`}.${planTotals(run)}${refusals}`;
  } else if (problems.length === 0) {
    headline = `${action} ${run.status}.`;
  } else {
    headline = `${action} ${run.status} on ${problems.length} of ${plural(total, "node")}: ${nameList(problems.map((node) => node.node))}.${planTotals(run)}`;
  }

  const bad = problems.length > 0 || run.status === "failed" || run.status === "interrupted";
  return (
    <div
      data-testid="run-summary"
      aria-live="polite"
      className={`rounded-md px-3 py-2 text-sm ${
        bad
          ? "bg-red-50 text-red-900 dark:bg-red-950/50 dark:text-red-100"
          : refusals
            ? "bg-amber-50 text-amber-950 dark:bg-amber-950/40 dark:text-amber-100"
            : run.status === "running"
              ? "bg-blue-50 text-blue-900 dark:bg-blue-950/50 dark:text-blue-100"
              : run.status === "succeeded"
                ? "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-100"
                : "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100"
      }`}
    >
      <p className="font-medium">{headline}</p>
      {problems.length > 0 && (
        <ul className="mt-1 space-y-1" aria-label="Nodes that did not succeed">
          {(all ? problems : problems.slice(0, FIRST)).map((node) => {
            const problem = nodeProblem(node);
            return (
              <li
                key={node.node}
                data-testid={`run-failure-${node.node}`}
                className="flex flex-wrap items-baseline gap-x-2"
              >
                <span>
                  <span aria-hidden>{STATE_STYLE[node.state].icon} </span>
                  <strong>{node.node}</strong> {whatHappened(node.state)} {problem.when}:{" "}
                  <span className="font-mono text-xs break-all">{problem.why}</span>
                </span>
                <button
                  type="button"
                  className={rowButtonClass}
                  onClick={() => onShowLog(node.node)}
                >
                  Show {node.node}’s log
                </button>
              </li>
            );
          })}
          {problems.length > FIRST && (
            <li>
              <button
                type="button"
                className={rowButtonClass}
                aria-expanded={all}
                onClick={() => setAll((shown) => !shown)}
              >
                {all ? "Show the first ones only" : `Show all ${problems.length} nodes`}
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

/** "a, b, c" or "a, b, … and 12 more". */
function nameList(names: string[], max = 10): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** " 3 files to create, 1 to update, 5 unchanged (skipped)." for a plan with results. */
function planTotals(run: RunDetail): string {
  if (run.action !== "plan") return "";
  const totals = { create: 0, update: 0, unchanged: 0 };
  let planned = 0;
  for (const node of run.nodes) {
    const plan = planResultOf(node.result);
    if (!plan) continue;
    planned += 1;
    for (const file of plan.files) totals[file.change] += 1;
  }
  if (planned === 0) return "";
  return ` Across ${plural(planned, "planned node")}: ${plural(totals.create, "file")} to create, ${totals.update.toLocaleString()} to update, ${totals.unchanged.toLocaleString()} unchanged (will be skipped).`;
}
