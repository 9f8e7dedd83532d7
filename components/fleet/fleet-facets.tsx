"use client";

import type { NodePublic, NodeRole } from "@/lib/inventory/types";
import { NODE_ROLES } from "@/lib/render/nodes";

export type TrustFacet = "all" | "trusted" | "untrusted";
export interface Facets {
  trust: TrustFacet;
  role: "all" | NodeRole;
}
export const NO_FACETS: Facets = { trust: "all", role: "all" };

const trusted = (node: NodePublic) => node.hostKey !== null;

export function matchesFacets(node: NodePublic, facets: Facets): boolean {
  if (facets.trust !== "all" && trusted(node) !== (facets.trust === "trusted")) return false;
  return facets.role === "all" || node.role === facets.role;
}

/** Filters by host-key trust and role, each choice with its count (readiness joins them here). */
export function FleetFacets({
  nodes,
  facets,
  onChange,
}: {
  nodes: NodePublic[];
  facets: Facets;
  onChange: (facets: Facets) => void;
}) {
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
