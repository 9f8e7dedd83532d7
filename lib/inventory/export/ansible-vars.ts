/** A node's Ansible host vars (no secrets), shared by the INI and YAML exports. */

import { formatJumpHost } from "../import/jump-host";
import { formatLabelList } from "../label-list";
import type { NodePublic, NodeRole } from "../types";

export function ansibleHostVars(node: NodePublic): Record<string, string | number> {
  const vars: Record<string, string | number> = {
    ansible_host: node.address,
    ansible_port: node.port,
    ansible_user: node.user,
  };
  if (node.bastion) vars.ansible_ssh_common_args = `-o ProxyJump=${formatJumpHost(node.bastion)}`;
  if (node.registryAddress) vars.k0s_registry_address = node.registryAddress;
  if (Object.keys(node.labels).length > 0) vars.k0s_labels = formatLabelList(node.labels);
  return vars;
}

/** The groups a role is written into; the importer maps them back (controller + worker → both). */
export function ansibleGroups(role: NodeRole): string[] {
  if (role === "controller+worker") return ["controller", "worker"];
  return [role];
}

export const ANSIBLE_GROUP_ORDER = ["controller", "worker", "single"] as const;
