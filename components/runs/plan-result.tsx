"use client";

import { Fragment, memo, useId, useState } from "react";
import { badgeClass, rowButtonClass } from "@/components/fleet/styles";
import {
  type FileChange,
  type FilePlan,
  type PlanResult,
  planResultOf,
  type RunNode,
} from "@/lib/client/runs-api";
import { DiffView } from "./diff-view";
import { PlanPrediction, PredictionBadges } from "./plan-prediction";
import { nodeProblem, whatHappened } from "./run-summary";

const CHANGE_STYLE: Record<FileChange, { icon: string; className: string }> = {
  create: {
    icon: "+",
    className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  },
  update: {
    icon: "~",
    className: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
  },
  unchanged: {
    icon: "=",
    className: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  },
};

function ChangeBadge({ change }: { change: FileChange }) {
  const style = CHANGE_STYLE[change];
  return (
    <span className={`${badgeClass} ${style.className}`}>
      <span aria-hidden>{style.icon}</span>
      {change}
    </span>
  );
}

/** What the plan found on every node: files with their change and diff, and the commands. */
export function PlanResults({
  nodes,
  colours,
}: {
  nodes: RunNode[];
  colours: Map<string, string>;
}) {
  if (nodes.length === 0) return null;
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        What an apply would do on each node. A plan changes nothing; unchanged files are skipped by
        the apply.
      </p>
      {nodes.map((node) => (
        <NodePlan
          key={node.node}
          node={node}
          colour={colours.get(node.node) ?? ""}
          open={nodes.length <= 3}
        />
      ))}
    </div>
  );
}

const NodePlan = memo(function NodePlan({
  node,
  colour,
  open,
}: {
  node: RunNode;
  colour: string;
  open: boolean;
}) {
  const plan = planResultOf(node.result);
  // a closed node's files are not rendered: a plan over thousands of nodes stays light
  const [shown, setShown] = useState(open);
  return (
    <details
      open={shown}
      onToggle={(event) => setShown(event.currentTarget.open)}
      data-testid={`plan-node-${node.node}`}
      className="rounded-md border border-slate-200 dark:border-slate-800"
    >
      <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 rounded-md px-3 py-2 text-sm hover:bg-slate-50 focus:outline-none focus:ring-2 focus:ring-blue-600/40 dark:hover:bg-slate-800/60">
        <span className="font-semibold">
          <span aria-hidden className={`mr-1.5 ${colour}`}>
            ●
          </span>
          {node.node}
        </span>
        <NodePlanCounts node={node} plan={plan} />
      </summary>
      <div className="border-t border-slate-200 px-3 py-3 dark:border-slate-800">
        {shown && (plan ? <PlanBody node={node.node} plan={plan} /> : <NoPlan node={node} />)}
      </div>
    </details>
  );
});

function NodePlanCounts({ node, plan }: { node: RunNode; plan: PlanResult | null }) {
  if (!plan) {
    const text =
      node.state === "pending" || node.state === "running"
        ? "planning…"
        : node.state === "succeeded"
          ? "no plan returned"
          : `no plan: ${node.state}`;
    return <span className="text-xs text-slate-500 dark:text-slate-400">{text}</span>;
  }
  const count = (change: FileChange) => plan.files.filter((file) => file.change === change).length;
  return (
    <span className="flex flex-wrap gap-1.5">
      {(["create", "update", "unchanged"] as const).map((change) => (
        <span key={change} className={`${badgeClass} ${CHANGE_STYLE[change].className}`}>
          <span aria-hidden>{CHANGE_STYLE[change].icon}</span>
          {count(change)} {change === "unchanged" ? "unchanged" : `to ${change}`}
        </span>
      ))}
      <span className="text-xs text-slate-500 dark:text-slate-400">
        {plan.commands.length} command{plan.commands.length === 1 ? "" : "s"}
      </span>
      <PredictionBadges plan={plan} />
    </span>
  );
}

function NoPlan({ node }: { node: RunNode }) {
  if (node.state === "pending" || node.state === "running") {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Planning… the files appear here when the node is done.
      </p>
    );
  }
  if (node.state === "succeeded") {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">This node returned no plan.</p>
    );
  }
  const problem = nodeProblem(node);
  return (
    <p className="text-sm text-red-800 dark:text-red-300">
      No plan for {node.node}: it {whatHappened(node.state)} {problem.when}:{" "}
      <span className="font-mono text-xs break-all">{problem.why}</span>
    </p>
  );
}

function PlanBody({ node, plan }: { node: string; plan: PlanResult }) {
  return (
    <div className="space-y-4">
      <PlanPrediction node={node} plan={plan} />
      {plan.files.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No file to write on this node.</p>
      ) : (
        <div className="relative overflow-x-auto">
          <table className="w-full text-sm" aria-label={`Files on ${node}`}>
            <thead className="text-left text-xs text-slate-600 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-2 py-1.5 font-medium">
                  Change
                </th>
                <th scope="col" className="px-2 py-1.5 font-medium">
                  File
                </th>
                <th scope="col" className="px-2 py-1.5 font-medium">
                  Mode
                </th>
                <th scope="col" className="px-2 py-1.5 font-medium">
                  Note
                </th>
                <th scope="col" className="px-2 py-1.5 text-right font-medium">
                  <span className="sr-only">Diff</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {plan.files.map((file) => (
                <FileRow key={file.path} node={node} file={file} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div>
        <h4 className="mb-1 text-xs font-semibold text-slate-700 dark:text-slate-300">
          k0s commands an apply would run
        </h4>
        {plan.commands.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">None.</p>
        ) : (
          <pre
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must take the keyboard
            tabIndex={0}
            data-testid={`plan-commands-${node}`}
            className="overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs leading-5 dark:bg-slate-950"
          >
            {plan.commands.map((command) => `$ ${command}`).join("\n")}
          </pre>
        )}
      </div>
    </div>
  );
}

function FileRow({ node, file }: { node: string; file: FilePlan }) {
  const [shown, setShown] = useState(false);
  const diffId = useId();
  const skipped = file.change === "unchanged";
  return (
    <Fragment>
      <tr
        data-testid={`plan-file-${node}-${file.path}`}
        data-change={file.change}
        className={`border-t border-slate-200 align-top dark:border-slate-800 ${skipped ? "text-slate-500 dark:text-slate-400" : ""}`}
      >
        <td className="px-2 py-1.5 whitespace-nowrap">
          <ChangeBadge change={file.change} />
          {skipped && <span className="ml-1.5 text-xs italic">will be skipped</span>}
        </td>
        <td className="px-2 py-1.5 font-mono text-xs break-all">{file.path}</td>
        <td className="px-2 py-1.5 font-mono text-xs">{file.mode}</td>
        <td className="px-2 py-1.5 text-xs">{file.note ?? ""}</td>
        <td className="px-2 py-1.5 text-right whitespace-nowrap">
          {file.diff ? (
            <button
              type="button"
              className={rowButtonClass}
              aria-expanded={shown}
              aria-controls={diffId}
              onClick={() => setShown((open) => !open)}
            >
              {shown ? "Hide diff" : file.change === "create" ? "Show content" : "Show diff"}
              <span className="sr-only"> of {file.path}</span>
            </button>
          ) : (
            <span className="text-xs text-slate-400">{skipped ? "identical" : ""}</span>
          )}
        </td>
      </tr>
      {shown && (
        <tr>
          <td colSpan={5} className="px-2 pb-2">
            <DiffView id={diffId} diff={file.diff} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
