/** k0s roles from Ansible group names: controllers, control_plane, masters, workers, nodes, … */
import type { NodeRole } from "../types";

/** lowercase without separators or a k0s/kube/k8s prefix: "kube_control_plane" → "controlplane" */
function normalise(group: string): string {
  return group
    .toLowerCase()
    .replace(/[^a-z0-9+]/g, "")
    .replace(/^(k0s|kube|k8s)/, "");
}

/** The whole name, else its last word: "gpu-workers" and "dc1_masters" name roles too. */
function groupRole(group: string): NodeRole | undefined {
  const lastWord = group.split(/[-_.]/).pop() ?? "";
  return GROUP_ROLES[normalise(group)] ?? GROUP_ROLES[normalise(lastWord)];
}

const GROUP_ROLES: Record<string, NodeRole> = {
  controller: "controller",
  controllers: "controller",
  controlplane: "controller",
  controlplanes: "controller",
  master: "controller",
  masters: "controller",
  worker: "worker",
  workers: "worker",
  node: "worker",
  nodes: "worker",
  single: "single",
  "controller+worker": "controller+worker",
  controllerworker: "controller+worker",
  controllerworkers: "controller+worker",
};

export type GroupRole = { role: NodeRole } | { error: string } | null;

/**
 * The role the nearest role-named groups give: a host in a controller group and a worker group is
 * controller+worker. Parents count only when no nearer group names a role, so
 * `[nodes:children] controllers workers` does not make every controller a worker too.
 */
export function roleFromGroups(levels: string[][]): GroupRole {
  for (const level of levels) {
    const roles = new Set(level.map(groupRole).filter((role) => role !== undefined));
    if (roles.size === 0) continue;
    if (roles.has("single")) {
      return roles.size === 1
        ? { role: "single" }
        : { error: "groups give it single and another role: set k0s_role" };
    }
    const controller = roles.has("controller") || roles.has("controller+worker");
    const worker = roles.has("worker") || roles.has("controller+worker");
    return {
      role: controller && worker ? "controller+worker" : controller ? "controller" : "worker",
    };
  }
  return null;
}
