import { accessChanges } from "@/lib/inventory/access-change";
import { latestCheckResults } from "@/lib/inventory/checks-store";
import type { Database } from "@/lib/inventory/db";
import { fleetSettingsChangedAt } from "@/lib/inventory/settings";
import type { CheckResult, NodePublic } from "@/lib/inventory/types";
import { nodeReadiness, type Readiness } from "./readiness";

/** Each of `nodes`' readiness, from the stored check results and change times. */
export function fleetReadiness({ db, nodes }: { db: Database; nodes: NodePublic[] }): Readiness[] {
  const wanted = new Set(nodes.map((node) => node.name));
  const results = new Map<string, CheckResult[]>();
  for (const result of latestCheckResults({ db, evidence: false })) {
    if (!wanted.has(result.node)) continue;
    const list = results.get(result.node);
    if (list) list.push(result);
    else results.set(result.node, [result]);
  }
  const changes = accessChanges({ db });
  const settingsChangedAt = fleetSettingsChangedAt({ db });
  return nodes.map((node) =>
    nodeReadiness({
      node,
      results: results.get(node.name) ?? [],
      accessChange: changes.get(node.name) ?? null,
      settingsChangedAt,
    }),
  );
}
