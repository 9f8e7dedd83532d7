/** NodePublic[] → an Ansible YAML inventory: all.children.{controller,worker,single}.hosts. */
import { stringify } from "yaml";
import type { NodePublic } from "../types";
import { ANSIBLE_GROUP_ORDER, ansibleGroups, ansibleHostVars } from "./ansible-vars";

export function toAnsibleYaml(nodes: NodePublic[]): string {
  const written = new Set<string>();
  const children: Record<string, { hosts: Record<string, unknown> }> = {};
  for (const group of ANSIBLE_GROUP_ORDER) {
    const members = nodes.filter((node) => ansibleGroups(node.role).includes(group));
    if (members.length === 0) continue;
    const hosts: Record<string, unknown> = {};
    for (const node of members) {
      hosts[node.name] = written.has(node.name) ? null : ansibleHostVars(node);
      written.add(node.name);
    }
    children[group] = { hosts };
  }
  return `# Exported by the k0rdent airgap console (no secrets).\n${stringify({ all: { children } }, { lineWidth: 0 })}`;
}
