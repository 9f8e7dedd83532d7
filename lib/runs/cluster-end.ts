/**
 * The end state of an apply: which clusters it brought up, and where their API answers. The
 * fleet's cluster is up when the apply succeeded on its initial controller (the fleet's first
 * controller); each `single` node it succeeded on is a cluster of its own. Pure.
 */
import { CONTROL_PLANE } from "@/lib/render/nodes";
import type { NodeRole } from "@/lib/render/types";
import type { RunAction, RunNode } from "./types";

/** k0s's API port (spec.api.port's default). */
export const K0S_API_PORT = 6443;

export interface ClusterUp {
  /** the controller the admin kubeconfig is read from */
  controller: string;
  /** the cluster's API, at the controller's inventory address: what the kubeconfig points to */
  server: string;
  /** "cluster": the fleet's cluster (initial controller); "single": a one-node cluster */
  kind: "cluster" | "single";
  /** a later run that reset the controller (k0s and its kubeconfig are gone there since) */
  resetBy?: string;
}

interface FleetNode {
  name: string;
  role: NodeRole;
  address: string;
}

/** https://<address>:6443, with an IPv6 address in brackets. */
export function apiServerUrl(address: string): string {
  return `https://${address.includes(":") ? `[${address}]` : address}:${K0S_API_PORT}`;
}

/** The clusters this run brought up: none unless it is an apply. */
export function clustersUp(
  run: { action: RunAction; nodes: Pick<RunNode, "node" | "state">[] },
  fleet: readonly FleetNode[],
): ClusterUp[] {
  if (run.action !== "apply") return [];
  const succeeded = new Set(run.nodes.filter((n) => n.state === "succeeded").map((n) => n.node));
  const initial = fleet.find((node) => node.role !== "single" && CONTROL_PLANE.includes(node.role));
  const up = (node: FleetNode, kind: ClusterUp["kind"]): ClusterUp => ({
    controller: node.name,
    server: apiServerUrl(node.address),
    kind,
  });
  return [
    ...(initial && succeeded.has(initial.name) ? [up(initial, "cluster")] : []),
    ...fleet
      .filter((node) => node.role === "single" && succeeded.has(node.name))
      .map((node) => up(node, "single")),
  ];
}

/**
 * The clusters as they are now: each marked `resetBy` when the newest run that changed k0s on its
 * controller since (`latest`: an apply or a reset that succeeded there) is a reset.
 */
export function markResets(
  clusters: ClusterUp[],
  latest: (controller: string) => { id: string; action: RunAction } | null,
): ClusterUp[] {
  return clusters.map((cluster) => {
    const since = latest(cluster.controller);
    return since?.action === "reset" ? { ...cluster, resetBy: since.id } : cluster;
  });
}

/**
 * The kubeconfig with every cluster's `server:` set to `server`: k0s prints the address its API
 * listens on (localhost in admin.conf, or the node's own idea of its address), which need not be
 * the one the console — and the person downloading it — reaches the node by.
 */
export function withServer(kubeconfig: string, server: string): string {
  return kubeconfig.replace(/^(\s*server:\s*).*$/gm, (_line, key: string) => `${key}${server}`);
}
