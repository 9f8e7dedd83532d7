/** Ansible INI inventories: [group], [group:vars], [group:children], host lines with key=value. */
import {
  type AnsibleInventory,
  type AnsibleVars,
  addHost,
  emptyInventory,
  groupOf,
  inventoryDrafts,
} from "./ansible-model";
import { SECRET_VARS } from "./ansible-vars";
import { expandHostPattern } from "./host-patterns";
import { finishRows } from "./rows";
import { shellWords } from "./shell-words";
import type { ImportPreview } from "./types";

type Section = { group: string; kind: "hosts" | "vars" | "children" };

export function parseAnsibleIni(text: string): ImportPreview {
  return {
    format: "ansible-ini",
    rows: finishRows(inventoryDrafts(readAnsibleIni(text))),
    notes: [],
  };
}

function readAnsibleIni(text: string): AnsibleInventory {
  const inventory = emptyInventory();
  let section: Section = { group: "ungrouped", kind: "hosts" };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith("#") || trimmed.startsWith(";")) return;
    const header = /^\[([^\]]*)\]$/.exec(trimmed);
    if (header || trimmed.startsWith("[")) {
      const [group = "", kind = "hosts"] = (header?.[1] ?? "").trim().split(":");
      if (!/^[A-Za-z0-9_.-]+$/.test(group) || !["hosts", "vars", "children"].includes(kind)) {
        inventory.errors.push({
          line,
          message: `"${trimmed}" is not a [group], [group:vars] or [group:children] header`,
        });
        section = { group: "", kind: "hosts" }; // lines under a bad header are reported, not guessed
        return;
      }
      groupOf(inventory, group);
      section = { group, kind: kind as Section["kind"] };
      return;
    }
    if (!section.group) {
      inventory.errors.push({ line, message: "under a header that could not be read" });
      return;
    }
    const error = readLine(inventory, section, trimmed, line);
    if (error) inventory.errors.push({ line, message: error });
  });
  return inventory;
}

function readLine(
  inventory: AnsibleInventory,
  section: Section,
  text: string,
  line: number,
): string | undefined {
  const group = groupOf(inventory, section.group);
  if (section.kind === "children") {
    group.children.push(text);
    groupOf(inventory, text);
    return undefined;
  }
  if (section.kind === "vars") {
    const equals = text.indexOf("=");
    if (equals <= 0) return `"${text}" is not key=value`;
    group.vars[text.slice(0, equals).trim()] = unquote(text.slice(equals + 1).trim());
    return undefined;
  }
  const { words, error } = shellWords(text);
  if (error) return error;
  const [pattern = "", ...assignments] = words;
  const vars: AnsibleVars = {};
  let previous = "";
  for (const assignment of assignments) {
    const equals = assignment.indexOf("=");
    if (equals <= 0) {
      // most likely the rest of a value with a space in it: a secret's is not repeated
      return SECRET_VARS.has(previous)
        ? `a word after ${previous} is not key=value: quote a value that has spaces`
        : `"${assignment}" is not key=value`;
    }
    previous = assignment.slice(0, equals);
    vars[previous] = assignment.slice(equals + 1);
  }
  // "host:port" is Ansible shorthand for ansible_port (not for IPv6 addresses, which have more colons)
  const hostPort = /^([^:]+):(\d+)$/.exec(pattern);
  if (hostPort?.[1] && hostPort[2]) vars.ansible_port ??= hostPort[2];
  const hosts = expandHostPattern(hostPort?.[1] ?? pattern);
  if ("error" in hosts) return hosts.error;
  for (const host of hosts) {
    addHost(inventory, host, line, vars);
    if (!group.hosts.includes(host)) group.hosts.push(host);
  }
  return undefined;
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? (quoted[2] ?? "") : value;
}
