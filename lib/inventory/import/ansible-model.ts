/** An Ansible inventory as read from INI or YAML, and its hosts as import rows. */
import { roleFromGroups } from "./ansible-roles";
import { draftFromVars } from "./ansible-vars";
import type { DraftRow } from "./types";

export type AnsibleVars = Record<string, unknown>;

export interface AnsibleInventory {
  /** in file order; a host listed in several groups appears once, at its first line */
  hosts: Map<string, { line: number; vars: AnsibleVars }>;
  groups: Map<string, { hosts: string[]; children: string[]; vars: AnsibleVars }>;
  /** lines that are neither hosts nor groups */
  errors: { line: number; message: string }[];
}

export function emptyInventory(): AnsibleInventory {
  return { hosts: new Map(), groups: new Map(), errors: [] };
}

export function groupOf(inventory: AnsibleInventory, name: string) {
  let group = inventory.groups.get(name);
  if (!group) {
    group = { hosts: [], children: [], vars: {} };
    inventory.groups.set(name, group);
  }
  return group;
}

export function addHost(
  inventory: AnsibleInventory,
  name: string,
  line: number,
  vars: AnsibleVars,
) {
  const host = inventory.hosts.get(name);
  if (host) Object.assign(host.vars, vars);
  else inventory.hosts.set(name, { line, vars: { ...vars } });
}

export function inventoryDrafts(inventory: AnsibleInventory): DraftRow[] {
  const parents = new Map<string, string[]>();
  for (const [name, group] of inventory.groups) {
    for (const child of group.children) parents.set(child, [...(parents.get(child) ?? []), name]);
  }
  const hostRows = [...inventory.hosts].map(([name, host]) => {
    const direct = [...inventory.groups]
      .filter(([, group]) => group.hosts.includes(name))
      .map(([g]) => g);
    const levels = ancestorLevels(direct, parents);
    // Ansible precedence: all < parent groups < child groups < the host's own vars
    const vars: AnsibleVars = { ...inventory.groups.get("all")?.vars };
    for (const level of [...levels].reverse()) {
      for (const group of [...level].sort()) Object.assign(vars, inventory.groups.get(group)?.vars);
    }
    Object.assign(vars, host.vars);
    return draftFromVars(host.line, name, vars, roleFromGroups(levels));
  });
  const errorRows: DraftRow[] = inventory.errors.map((error) => ({
    line: error.line,
    node: null,
    errors: [error.message],
    notes: [],
  }));
  return [...errorRows, ...hostRows].sort((a, b) => a.line - b.line);
}

/** [direct groups, their parents, grandparents, …], each group once, at its nearest level. */
function ancestorLevels(direct: string[], parents: Map<string, string[]>): string[][] {
  const seen = new Set(direct);
  const levels = [direct];
  for (let level = direct; level.length > 0; ) {
    const next = level
      .flatMap((group) => parents.get(group) ?? [])
      .filter((group) => !seen.has(group));
    for (const group of next) seen.add(group);
    if (next.length > 0) levels.push([...new Set(next)]);
    level = [...new Set(next)];
  }
  return levels;
}
