"use client";

import { READINESS_LABEL, type Readiness, type ReadinessState } from "@/lib/checks/readiness";
import type { NodePublic, NodeRole } from "@/lib/inventory/types";
import { NODE_ROLES } from "@/lib/render/nodes";

export type TrustFacet = "all" | "trusted" | "untrusted";
export interface Facets {
  readiness: "all" | ReadinessState;
  trust: TrustFacet;
  role: "all" | NodeRole;
}
export const NO_FACETS: Facets = { readiness: "all", trust: "all", role: "all" };

const trusted = (node: NodePublic) => node.hostKey !== null;
const READINESS_STATES: ReadinessState[] = ["ready", "failing", "stale", "not-checked"];

/** A node's readiness state; a node the console has no word on yet counts as not checked. */
const stateOf = (node: NodePublic, readiness: Map<string, Readiness>): ReadinessState =>
  readiness.get(node.name)?.state ?? "not-checked";

export function matchesFacets(
  node: NodePublic,
  facets: Facets,
  readiness: Map<string, Readiness>,
): boolean {
  if (facets.readiness !== "all" && stateOf(node, readiness) !== facets.readiness) return false;
  if (facets.trust !== "all" && trusted(node) !== (facets.trust === "trusted")) return false;
  return facets.role === "all" || node.role === facets.role;
}

/** Filters by readiness, host-key trust and role, each choice with its count. */
export function FleetFacets({
  nodes,
  readiness,
  facets,
  onChange,
}: {
  nodes: NodePublic[];
  readiness: Map<string, Readiness>;
  facets: Facets;
  onChange: (facets: Facets) => void;
}) {
  const states: ["all" | ReadinessState, string, number][] = [
    ["all", "All", nodes.length],
    ...READINESS_STATES.map((state): [ReadinessState, string, number] => [
      state,
      READINESS_LABEL[state],
      nodes.filter((node) => stateOf(node, readiness) === state).length,
    ]),
  ];
  const trustedCount = nodes.filter(trusted).length;
  const trust: [TrustFacet, string, number][] = [
    ["all", "All", nodes.length],
    ["trusted", "Trusted", trustedCount],
    ["untrusted", "Not trusted", nodes.length - trustedCount],
  ];
  const roles: ["all" | NodeRole, string, number][] = [
    ["all", "All", nodes.length],
    ...NODE_ROLES.map((role): [NodeRole, string, number] => [
      role,
      role,
      nodes.filter((node) => node.role === role).length,
    ]),
  ];
  return (
    <div className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs">
      <FacetGroup
        label="Readiness"
        choices={states}
        value={facets.readiness}
        onChange={(value) => onChange({ ...facets, readiness: value })}
      />
      <FacetGroup
        label="Host key"
        choices={trust}
        value={facets.trust}
        onChange={(value) => onChange({ ...facets, trust: value })}
      />
      <FacetGroup
        label="Role"
        choices={roles}
        value={facets.role}
        onChange={(value) => onChange({ ...facets, role: value })}
      />
    </div>
  );
}

function FacetGroup<T extends string>({
  label,
  choices,
  value,
  onChange,
}: {
  label: string;
  choices: [T, string, number][];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="flex flex-wrap items-center gap-1">
      <legend className="sr-only">{label}</legend>
      <span aria-hidden className="text-slate-600 dark:text-slate-400">
        {label}:
      </span>
      {choices.map(([choice, text, count]) => (
        <button
          key={choice}
          type="button"
          aria-pressed={value === choice}
          aria-label={`${label}: ${text} (${count})`}
          onClick={() => onChange(choice)}
          className={`rounded-full border px-2 py-0.5 ${
            value === choice
              ? "border-blue-700 bg-blue-700 text-white"
              : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800"
          }`}
        >
          {text} ({count})
        </button>
      ))}
    </fieldset>
  );
}
