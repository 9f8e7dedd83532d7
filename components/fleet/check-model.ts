/** Pure helpers for check results: grouping and reading the host key out of `ssh.host-key`. */
import type { CheckResult, NodePublic } from "@/lib/inventory/types";
import { sshTarget } from "@/lib/ssh/target";

const GROUPS: [string, string[]][] = [
  ["Connection", ["ssh", "privilege", "sudo", "facts"]],
  ["Operating system", ["os", "k0s"]],
  ["Hardware", ["disk", "resources", "hardware"]],
  ["Network and registry", ["clock", "ports", "network", "dns", "registry", "mirror", "images"]],
  ["Fleet", ["fleet"]],
];

export interface CheckGroup {
  title: string;
  results: CheckResult[];
}

export function groupChecks(results: CheckResult[]): CheckGroup[] {
  const groups = new Map<string, CheckResult[]>(GROUPS.map(([title]) => [title, []]));
  for (const result of results) {
    const prefix = result.check.split(".")[0] ?? "";
    const title = GROUPS.find(([, prefixes]) => prefixes.includes(prefix))?.[0] ?? "Other";
    groups.set(title, [...(groups.get(title) ?? []), result]);
  }
  return [...groups]
    .filter(([, list]) => list.length > 0)
    .map(([title, list]) => ({ title, results: list.sort((a, b) => rank(a) - rank(b)) }));
}

/** What needs attention first: failures, warnings, overridden, passes. */
function rank(result: CheckResult): number {
  if (result.override) return 2;
  return { fail: 0, warn: 1, pass: 3 }[result.status];
}

export const HOST_KEY_CHECK = "ssh.host-key";

const FINGERPRINT = /SHA256:[A-Za-z0-9+/]{43}/g;

export interface HostKeyProblem {
  /** unknown: never trusted; changed: differs from the pinned key; mismatch: differs from the expected one */
  kind: "unknown" | "changed" | "mismatch";
  type: string;
  fingerprint: string;
  /** the pinned or expected fingerprint the host no longer matches */
  previous: string | null;
  /** the key is the bastion's, not the node's */
  viaBastion: boolean;
}

/** The key the host presented, from the evidence line `presented: <type> <fingerprint>`. */
export function presentedKey(result: CheckResult): { type: string; fingerprint: string } | null {
  const line = /^\s*presented:\s*(\S+)\s+(SHA256:\S+?)\s*$/m.exec(result.evidence);
  if (line?.[1] && line[2]) return { type: line[1], fingerprint: line[2] };
  const reason = /presents? an? (?:unknown )?(\S+) host key (SHA256:\S+?)[:.,]?(?:\s|$)/.exec(
    result.reason,
  );
  if (reason?.[1] && reason[2]) return { type: reason[1], fingerprint: reason[2] };
  return null;
}

export function hostKeyProblem(node: NodePublic, results: CheckResult[]): HostKeyProblem | null {
  const result = results.find((item) => item.check === HOST_KEY_CHECK);
  if (!result || result.status === "pass") return null;
  const { bastion } = node;
  // the key in question may be the bastion's (it is connected to first)
  const viaBastion =
    bastion !== null &&
    result.reason.includes(sshTarget(bastion.user, bastion.address, bastion.port));
  const pinned = viaBastion ? bastion.hostKey : node.hostKey;
  const presented = presentedKey(result);
  const fingerprints = result.reason.match(FINGERPRINT) ?? [];
  if (/host key changed/i.test(result.reason)) {
    const fingerprint = presented?.fingerprint ?? fingerprints.at(-1);
    if (!fingerprint || pinned?.fingerprint === fingerprint) return null;
    const previous = fingerprints.find((item) => item !== fingerprint) ?? null;
    return { kind: "changed", type: presented?.type ?? "", fingerprint, previous, viaBastion };
  }
  if (!presented || pinned) return null;
  if (/not the expected/i.test(result.reason)) {
    const previous = fingerprints.find((item) => item !== presented.fingerprint) ?? null;
    return { kind: "mismatch", ...presented, previous, viaBastion };
  }
  return { kind: "unknown", ...presented, previous: null, viaBastion };
}
