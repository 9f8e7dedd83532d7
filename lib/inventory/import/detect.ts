/** Which inventory format a text is, from its content alone. */
import { parse } from "yaml";
import type { InventoryFormat } from "./types";

export function detectInventoryFormat(text: string): InventoryFormat | null {
  const body = text.replace(/^\uFEFF/, "");
  if (looksLikeK0sctl(body)) return "k0sctl";
  const first = firstSignificantLine(body);
  if (first === undefined) return null;
  if (/^\[[A-Za-z0-9_.-]+(:(vars|children))?\]$/.test(first)) return "ansible-ini";
  if (first.includes(",") && /(^|,)\s*"?(address|host|ip)"?\s*(,|$)/i.test(first)) return "csv";
  if (looksLikeAnsibleYaml(body)) return "ansible-yaml";
  // ungrouped INI hosts: "name ansible_host=…"
  if (/^\S+(\s+[A-Za-z_][A-Za-z0-9_]*=\S*)+$/.test(first)) return "ansible-ini";
  return null;
}

/** k0sctl's apiVersion, or its kind (written "Cluster" or "cluster") beside a k0sctl mention. */
function looksLikeK0sctl(body: string): boolean {
  if (/^apiVersion:\s*["']?k0sctl\.k0sproject\.io\//m.test(body)) return true;
  return (
    /^kind:\s*["']?[Cc]luster["']?\s*(#.*)?$/m.test(body) && /k0sctl\.k0sproject\.io\//.test(body)
  );
}

function firstSignificantLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith("#") && !line.startsWith(";") && line !== "---");
}

function looksLikeAnsibleYaml(text: string): boolean {
  let value: unknown;
  try {
    value = parse(text, { logLevel: "silent" });
  } catch {
    return false;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  return Object.values(value).some(
    (group) => group && typeof group === "object" && ("hosts" in group || "children" in group),
  );
}
