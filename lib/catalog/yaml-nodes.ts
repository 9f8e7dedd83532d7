import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
} from "yaml";
import { NotACatalogError } from "./errors";

/** Parsed YAML documents plus a way to turn a node into its 1-based line. */
export interface YamlSource {
  docs: Document.Parsed[];
  lineOf(node: unknown, fallback?: number): number;
}

export function parseYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first !== undefined) {
      const line = lineCounter.linePos(first.pos[0]).line;
      throw new NotACatalogError(
        `YAML that cannot be parsed (line ${line}: ${firstLine(first.message)})`,
      );
    }
  }
  return {
    docs,
    lineOf(node, fallback = 1) {
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : fallback;
    },
  };
}

/**
 * The text of a scalar as the catalog means it: plain scalars keep their source text, so an
 * unquoted tag `1.20` stays "1.20" (not the number 1.2). Null, maps and lists give undefined.
 */
export function scalarText(node: unknown): string | undefined {
  refuseAlias(node);
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  if (node.type === "PLAIN" && typeof node.source === "string") return node.source;
  return String(node.value);
}

/** Key/value pairs of a YAML map, keys as text (non-scalar keys are left out). */
export function mapEntries(node: unknown): { key: string; keyNode: unknown; value: unknown }[] {
  refuseAlias(node);
  if (!isMap(node)) return [];
  const entries: { key: string; keyNode: unknown; value: unknown }[] = [];
  for (const pair of node.items) {
    const key = scalarText(pair.key);
    if (key !== undefined) entries.push({ key, keyNode: pair.key, value: pair.value });
  }
  return entries;
}

/** The value of `key` in a YAML map (last one wins, like most YAML loaders). */
export function mapGet(node: unknown, key: string): unknown {
  let found: unknown;
  for (const entry of mapEntries(node)) if (entry.key === key) found = entry.value;
  return found;
}

/** Items of a YAML sequence, or undefined when the node is not one. */
export function seqItems(node: unknown): unknown[] | undefined {
  refuseAlias(node);
  return isSeq(node) ? node.items : undefined;
}

/**
 * A catalog is read from its YAML nodes, where an alias (*name) is not its anchor's content:
 * following it could multiply the work without bound ("billion laughs"), and skipping it would
 * drop images silently. So an alias where the catalog's entries are is refused.
 */
function refuseAlias(node: unknown): void {
  if (isAlias(node)) {
    throw new NotACatalogError(
      `YAML alias *${node.source} where the catalog's entries are: aliases are not read in a catalog; write the entries out`,
    );
  }
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0] ?? message;
}
