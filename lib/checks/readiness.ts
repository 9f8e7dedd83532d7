/**
 * Readiness: may an apply touch this node? From its latest check results, what changed since
 * they ran, and what the node needs before anything can reach it. Pure.
 */
import type { CheckResult, NodePublic } from "@/lib/inventory/types";

export type ReadinessState = "ready" | "failing" | "not-checked" | "stale";

export interface ReadinessReason {
  /** the check it comes from, when there is one */
  check: string | null;
  /** written for a person */
  message: string;
  /** a run-level override (with a reason) may let an apply through despite it */
  overridable: boolean;
}

export interface Readiness {
  node: string;
  state: ReadinessState;
  /** why the node is not ready (empty when it is) */
  reasons: ReadinessReason[];
  /** when its latest checks ran; null when never */
  checkedAt: string | null;
  /** every reason may be overridden */
  overridable: boolean;
}

/** A change to what the checks looked at: when, and what (e.g. ["address", "credentials"]). */
export interface AccessChange {
  at: string;
  what: string[];
}

export interface ReadinessInput {
  node: Pick<NodePublic, "name" | "auth" | "hostKey" | "bastion" | "expectedFingerprint">;
  results: CheckResult[];
  /** the node's last change of address, credentials, sudo, role or registry; null when none */
  accessChange: AccessChange | null;
  /** the fleet settings' last change (k0s version, registries, mirror); null when never saved */
  settingsChangedAt: string | null;
}

/**
 * Failures nothing can wave through: a node that does not present its trusted key or does not
 * let the console log in cannot be worked on; a stored override of them is ignored.
 */
export const NOT_OVERRIDABLE_CHECKS: readonly string[] = ["ssh.host-key", "ssh.auth"];

export function isOverridableCheck(check: string): boolean {
  return !NOT_OVERRIDABLE_CHECKS.includes(check);
}

export function nodeReadiness(input: ReadinessInput): Readiness {
  const blockers = accessBlockers(input.node);
  const checkedAt = oldest(input.results.map((result) => result.at));
  if (checkedAt === null)
    return finish(input.node.name, "not-checked", null, [
      ...blockers,
      reason(null, "never checked: run the checks", true),
    ]);
  const stale = staleReasons(input, checkedAt);
  if (stale.length > 0) return finish(input.node.name, "stale", checkedAt, [...blockers, ...stale]);
  const failures = input.results
    .filter(
      (result) =>
        result.status === "fail" && (!result.override || !isOverridableCheck(result.check)),
    )
    .map((result) =>
      reason(result.check, `${result.title}: ${result.reason}`, isOverridableCheck(result.check)),
    );
  const reasons = [...blockers, ...failures];
  return finish(input.node.name, reasons.length > 0 ? "failing" : "ready", checkedAt, reasons);
}

/** What stops any connection, whatever the checks said: nothing to log in with, no trusted key. */
function accessBlockers(node: ReadinessInput["node"]): ReadinessReason[] {
  const blockers: ReadinessReason[] = [];
  if (node.auth.kind !== "agent" && !node.auth.hasSecret)
    blockers.push(
      reason("ssh.auth", "no private key or password is stored: edit the node to add one", false),
    );
  if (!node.hostKey && !node.expectedFingerprint)
    blockers.push(
      reason(
        "ssh.host-key",
        "its host key is not trusted: run the checks, compare the fingerprint and trust it",
        false,
      ),
    );
  if (node.bastion && !node.bastion.hostKey)
    blockers.push(
      reason(
        "ssh.host-key",
        "its bastion's host key is not trusted: run the checks and trust it",
        false,
      ),
    );
  return blockers;
}

function staleReasons(input: ReadinessInput, checkedAt: string): ReadinessReason[] {
  const since = `after its checks ran (${checkedAt}): run the checks again`;
  const stale: ReadinessReason[] = [];
  const change = input.accessChange;
  if (change && change.at > checkedAt)
    stale.push(reason(null, `its ${listed(change.what)} changed ${since}`, true));
  if (input.settingsChangedAt && input.settingsChangedAt > checkedAt)
    stale.push(reason(null, `the fleet settings changed ${since}`, true));
  const pins = [input.node.hostKey, input.node.bastion?.hostKey];
  if (pins.some((pin) => pin && pin.trustedAt > checkedAt))
    stale.push(reason(null, `a host key was trusted ${since}`, true));
  return stale;
}

function finish(
  node: string,
  state: ReadinessState,
  checkedAt: string | null,
  reasons: ReadinessReason[],
): Readiness {
  return {
    node,
    state,
    reasons,
    checkedAt,
    overridable: reasons.every((item) => item.overridable),
  };
}

function reason(check: string | null, message: string, overridable: boolean): ReadinessReason {
  return { check, message, overridable };
}

function oldest(times: string[]): string | null {
  return times.length === 0 ? null : ([...times].sort()[0] ?? null);
}

function listed(words: string[]): string {
  if (words.length <= 1) return words[0] ?? "access";
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

export interface ReadinessOverride {
  /** why these nodes may be applied to although not ready; recorded with the run */
  reason: string;
  /** the nodes it covers; every node of the run when omitted */
  nodes?: string[];
}

/** The nodes an apply must refuse: not ready and not (or not possibly) covered by the override. */
export function refusedNodes(
  readiness: Readiness[],
  override: ReadinessOverride | undefined,
): Readiness[] {
  return readiness.filter((node) => {
    if (node.state === "ready") return false;
    const covered = override && (!override.nodes || override.nodes.includes(node.node));
    return !covered || !node.overridable;
  });
}

export const READINESS_LABEL: Record<ReadinessState, string> = {
  ready: "ready",
  failing: "failing",
  "not-checked": "not checked",
  stale: "stale",
};
