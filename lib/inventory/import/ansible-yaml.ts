/** Ansible YAML inventories: all: {hosts, vars, children: {group: {hosts, vars, children}}}. */
import { type Document, isMap, isNode } from "yaml";
import {
  type AnsibleInventory,
  type AnsibleVars,
  addHost,
  emptyInventory,
  groupOf,
  inventoryDrafts,
} from "./ansible-model";
import { expandHostPattern } from "./host-patterns";
import { finishRows } from "./rows";
import type { ImportPreview } from "./types";
import { lineOf, mapEntries, readYamlSource, type YamlSource, yamlValue } from "./yaml-source";

export function parseAnsibleYaml(text: string): ImportPreview {
  return {
    format: "ansible-yaml",
    rows: finishRows(inventoryDrafts(readAnsibleYaml(text))),
    notes: [],
  };
}

function readAnsibleYaml(text: string): AnsibleInventory {
  const inventory = emptyInventory();
  const source = readYamlSource(text);
  if (source.error) {
    inventory.errors.push(source.error);
    return inventory;
  }
  const doc = source.docs[0];
  if (!doc || !isMap(doc.contents)) {
    inventory.errors.push({
      line: 1,
      message: "expected a map of groups, e.g. all: {children: …}",
    });
    return inventory;
  }
  const reader = { inventory, source, doc, visiting: new Set<string>() };
  for (const [group, , node] of mapEntries(doc.contents)) readGroup(reader, group, node);
  return inventory;
}

interface Reader {
  inventory: AnsibleInventory;
  source: YamlSource;
  doc: Document;
  visiting: Set<string>;
}

function readGroup(reader: Reader, name: string, node: unknown): void {
  const { inventory, source } = reader;
  const group = groupOf(inventory, name);
  if (reader.visiting.has(name)) return; // a group nested in itself
  reader.visiting.add(name);
  for (const [key, keyNode, value] of mapEntries(node)) {
    if (key === "hosts") {
      for (const [pattern, hostKey, vars] of mapEntries(value)) {
        const hosts = expandHostPattern(pattern);
        if ("error" in hosts) {
          inventory.errors.push({ line: lineOf(source, hostKey), message: hosts.error });
          continue;
        }
        for (const host of hosts) {
          addHost(inventory, host, lineOf(source, hostKey), varsOf(reader, vars));
          if (!group.hosts.includes(host)) group.hosts.push(host);
        }
      }
    } else if (key === "vars") {
      Object.assign(group.vars, varsOf(reader, value));
    } else if (key === "children") {
      for (const [child, , childNode] of mapEntries(value)) {
        if (!group.children.includes(child)) group.children.push(child);
        readGroup(reader, child, childNode);
      }
    } else {
      inventory.errors.push({
        line: lineOf(source, keyNode),
        message: `"${key}" in group ${name}: expected hosts, vars or children`,
      });
    }
  }
  reader.visiting.delete(name);
}

function varsOf(reader: Reader, node: unknown): AnsibleVars {
  const value = isNode(node) ? yamlValue(reader.doc, node) : node;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as AnsibleVars) : {};
}
