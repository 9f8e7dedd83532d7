/** NodePublic[] → an Ansible INI inventory: [controller], [worker], [single] groups. */
import { shellWord } from "../import/shell-words";
import type { NodePublic } from "../types";
import { ANSIBLE_GROUP_ORDER, ansibleGroups, ansibleHostVars } from "./ansible-vars";

export function toAnsibleIni(nodes: NodePublic[]): string {
  const written = new Set<string>();
  const sections = ANSIBLE_GROUP_ORDER.flatMap((group) => {
    const members = nodes.filter((node) => ansibleGroups(node.role).includes(group));
    if (members.length === 0) return [];
    const lines = members.map((node) => {
      // vars once, on the host's first line; a second group only lists the name
      if (written.has(node.name)) return node.name;
      written.add(node.name);
      const vars = Object.entries(ansibleHostVars(node)).map(
        ([key, value]) => `${key}=${shellWord(String(value))}`,
      );
      return [node.name, ...vars].join(" ");
    });
    return [`[${group}]`, ...lines, ""];
  });
  return ["# Exported by the k0rdent airgap console (no secrets).", "", ...sections].join("\n");
}
