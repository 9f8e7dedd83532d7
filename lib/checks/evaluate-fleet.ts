import { type CheckDraft, draft } from "./evaluate-node";

export interface NodeIdentity {
  node: string;
  hostname: string;
  machineId: string;
}

/**
 * Hostname and machine-id must be unique across the fleet: Kubernetes names nodes by hostname,
 * and cloned VMs with one machine-id confuse etcd and kubelet alike.
 */
export function evaluateFleet(identities: NodeIdentity[]): Map<string, CheckDraft[]> {
  const results = new Map<string, CheckDraft[]>(identities.map((identity) => [identity.node, []]));
  const fields = [
    ["fleet.hostname-unique", "Hostname unique in the fleet", "hostname"],
    ["fleet.machine-id-unique", "machine-id unique in the fleet", "machineId"],
  ] as const;
  for (const [check, title, field] of fields) {
    const owners = new Map<string, string[]>();
    for (const identity of identities) {
      const value = identity[field];
      if (value) owners.set(value, [...(owners.get(value) ?? []), identity.node]);
    }
    for (const identity of identities) {
      const value = identity[field];
      const others = (owners.get(value) ?? []).filter((node) => node !== identity.node);
      const label = field === "hostname" ? "hostname" : "machine-id";
      const result = !value
        ? draft(check, title, "warn", `no ${label} could be read`)
        : others.length === 0
          ? draft(check, title, "pass", `${label} ${value} is unique`, value)
          : draft(
              check,
              title,
              "fail",
              `${label} ${value} is also used by ${others.join(", ")}`,
              value,
            );
      results.get(identity.node)?.push(result);
    }
  }
  return results;
}
