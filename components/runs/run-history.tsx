"use client";

import Link from "next/link";
import { formatTime } from "@/components/fleet/fleet-model";
import { type RunSummary, runPath } from "@/lib/client/runs-api";
import { StateBadge } from "./run-badge";
import { ACTION_LABEL, durationBetween, relativeTime } from "./run-format";
import { StateCounts } from "./stage-matrix";

/** Past and running runs, newest first: what, how it went, who, when, how long, on how many nodes. */
export function RunHistory({ runs, now }: { runs: RunSummary[]; now: number }) {
  if (runs.length === 0) {
    return (
      <p
        data-testid="runs-empty"
        className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
      >
        No runs yet: plan a change to see what it would do on every node.
      </p>
    );
  }
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full text-sm" aria-label="Runs, newest first" data-testid="runs-table">
        <thead className="text-left text-xs text-slate-600 dark:text-slate-400">
          <tr>
            {["Run", "Action", "Status", "Started by", "When", "Duration", "Nodes"].map((label) => (
              <th key={label} scope="col" className="px-2 py-2 font-medium">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            return (
              <tr
                key={run.id}
                data-testid={`run-row-${run.id}`}
                className="border-t border-slate-200 align-top hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-800/40"
              >
                <th scope="row" className="px-2 py-2 text-left font-normal">
                  <Link
                    href={runPath(run.id)}
                    className="rounded font-mono text-xs text-blue-700 underline hover:text-blue-900 focus:outline-none focus:ring-2 focus:ring-blue-600/40 dark:text-blue-300 dark:hover:text-blue-100"
                  >
                    {run.id}
                  </Link>
                </th>
                <td className="px-2 py-2 font-medium">{ACTION_LABEL[run.action] ?? run.action}</td>
                <td className="px-2 py-2">
                  <StateBadge state={run.status} />
                </td>
                <td className="px-2 py-2">{run.startedBy}</td>
                <td className="px-2 py-2 whitespace-nowrap">
                  <time dateTime={run.createdAt} title={new Date(run.createdAt).toLocaleString()}>
                    {formatTime(run.createdAt)}
                  </time>
                  <span className="block text-xs text-slate-500 dark:text-slate-400">
                    {relativeTime(run.createdAt, now)}
                  </span>
                </td>
                <td className="px-2 py-2 tabular-nums whitespace-nowrap">
                  {durationBetween(run.createdAt, run.finishedAt, now)}
                  {!run.finishedAt && run.status === "running" && (
                    <span className="text-xs text-slate-500"> so far</span>
                  )}
                </td>
                <td className="px-2 py-2">
                  {Object.keys(run.nodeCounts).length === 0 ? (
                    <span className="text-xs text-slate-500">no nodes</span>
                  ) : (
                    <StateCounts counts={run.nodeCounts} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
