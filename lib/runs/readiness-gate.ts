/**
 * The checks gate: an apply touches only nodes that are ready, or that a person overrode with a
 * reason; failures nothing can override (no login, an untrusted host key) are refused regardless.
 */
import {
  READINESS_LABEL,
  type Readiness,
  type ReadinessOverride,
  refusedNodes,
} from "@/lib/checks/readiness";
import { fleetReadiness } from "@/lib/checks/readiness-service";
import type { Database } from "@/lib/inventory/db";
import type { NodePublic } from "@/lib/inventory/types";
import { ReadinessRefusedError } from "./errors";

/** What an apply records of the gate: the nodes that were not ready, and the override. */
export interface GateRecord {
  notReady: Readiness[];
  overrideReadiness?: { reason: string; nodes: string[] };
}

/** Refuses the apply (409, per node) unless every node is ready or overridden; else what to record. */
export function gateApply(
  db: Database,
  nodes: NodePublic[],
  override: ReadinessOverride | undefined,
): GateRecord {
  const readiness = fleetReadiness({ db, nodes });
  const refused = refusedNodes(readiness, override);
  if (refused.length > 0) throw refusal(refused, override !== undefined);
  const notReady = readiness.filter((node) => node.state !== "ready");
  if (!override) return { notReady };
  const covered = nodes
    .map((node) => node.name)
    .filter((name) => !override.nodes || override.nodes.includes(name));
  return { notReady, overrideReadiness: { reason: override.reason, nodes: covered } };
}

function refusal(refused: Readiness[], overridden: boolean): ReadinessRefusedError {
  const lines = refused.map(
    (node) =>
      `${node.node}: ${READINESS_LABEL[node.state]} (${node.reasons.map((r) => r.message).join("; ")})`,
  );
  const blocked = refused.some((node) => !node.overridable);
  const advice = blocked
    ? "fix what cannot be overridden, run the checks again"
    : overridden
      ? "run the checks again, or include these nodes in overrideReadiness.nodes"
      : 'run the checks again, or override with a reason ("overrideReadiness": {"reason": "…"})';
  return new ReadinessRefusedError(
    `apply refused: ${refused.length} node${refused.length === 1 ? " is" : "s are"} not ready — ${lines.join(" · ")}. ${advice[0]?.toUpperCase()}${advice.slice(1)}.`,
    { nodes: refused },
  );
}
