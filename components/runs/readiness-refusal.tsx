"use client";

import { useId, useState } from "react";
import { ReadinessReasons } from "@/components/checks/readiness-badge";
import { ActionDialog } from "@/components/fleet/action-dialog";
import { labelClass } from "@/components/fleet/styles";
import { inputClass, ScrollList } from "@/components/ui";
import { READINESS_LABEL, type Readiness, type ReadinessOverride } from "@/lib/checks/readiness";
import { ApiError } from "@/lib/client/api";

/** The nodes an apply was refused for (409 conflict:readiness), or null for any other error. */
export function refusedReadiness(error: unknown): Readiness[] | null {
  if (!(error instanceof ApiError) || error.code !== "conflict:readiness") return null;
  const nodes = (error.details as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes) ? (nodes as Readiness[]) : null;
}

/**
 * Why an apply was refused, per node; when every reason may be overridden, the override (with
 * its reason, recorded in the run) that lets the apply through.
 */
export function ReadinessRefusal({
  nodes,
  onOverride,
  onClose,
}: {
  nodes: Readiness[];
  onOverride: (override: ReadinessOverride) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState("");
  const blocked = nodes.filter((node) => !node.overridable);
  const names = nodes.map((node) => node.node);
  return (
    <ActionDialog
      title={`${nodes.length} node${nodes.length === 1 ? " is" : "s are"} not ready for this apply`}
      submitLabel={blocked.length > 0 ? "Close" : "Override and apply"}
      testId="readiness-refusal"
      onClose={onClose}
      onSubmit={async () => {
        if (blocked.length > 0) return;
        if (reason.trim().length < 3)
          throw new Error("Say why these nodes may be changed without passing checks.");
        await onOverride({ reason: reason.trim(), nodes: names });
      }}
    >
      <ScrollList label="Nodes refused, with their reasons" className="max-h-72 space-y-2 text-sm">
        {nodes.map((node) => (
          <li key={node.node} data-testid={`refused-${node.node}`}>
            <span className="font-medium">{node.node}</span>{" "}
            <span className="text-slate-600 dark:text-slate-400">
              — {READINESS_LABEL[node.state]}
            </span>
            <ReadinessReasons readiness={node} />
          </li>
        ))}
      </ScrollList>
      {blocked.length > 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          {blocked.map((node) => node.node).join(", ")} cannot be overridden: fix the login or trust
          the host key on the Fleet page, run the checks again, then apply. Or plan again without{" "}
          {blocked.length === 1 ? "this node" : "these nodes"}.
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Run the checks again on the Fleet page, or apply anyway: the override and its reason are
            recorded with the run.
          </p>
          <label htmlFor={`${id}-reason`} className={labelClass}>
            Why may these nodes be changed anyway?
          </label>
          <textarea
            id={`${id}-reason`}
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            className={inputClass}
          />
        </>
      )}
    </ActionDialog>
  );
}
