/** YAML helpers shared by the k0sctl and Ansible YAML readers: documents with line numbers. */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from "yaml";
import { InventoryError } from "../errors";

/** How far aliases (*name) may expand, weighted by what they stand for (the yaml package's count). */
const MAX_YAML_ALIAS_COUNT = 100;

export interface YamlSource {
  docs: ReturnType<typeof parseAllDocuments>;
  lineCounter: LineCounter;
  /** the first syntax error, with its line */
  error?: { line: number; message: string };
}

export function readYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  const first = docs.flatMap((doc) => doc.errors)[0];
  if (!first) return { docs, lineCounter };
  const line = lineCounter.linePos(first.pos[0]).line;
  return { docs, lineCounter, error: { line, message: first.message.split("\n")[0] ?? "" } };
}

export function lineOf(source: YamlSource, node: unknown): number {
  const range = (node as Node | null)?.range;
  return range ? source.lineCounter.linePos(range[0]).line : 0;
}

/** The entries of a YAML map node as [key text, key node, value node]. */
export function mapEntries(node: unknown): [string, unknown, unknown][] {
  if (!isMap(node)) return [];
  return node.items.map((pair) => [
    isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
    pair.key,
    pair.value,
  ]);
}

export function seqItems(node: unknown): unknown[] | undefined {
  return isSeq(node) ? node.items : undefined;
}

/** A scalar as text (numbers and booleans too), or undefined. */
export function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/**
 * A document (or one of its nodes) as plain values, aliases expanded within MAX_YAML_ALIAS_COUNT:
 * an alias bomb ("billion laughs") or an alias to no anchor refuses the file, never crashes.
 */
export function yamlValue(doc: Document, node?: unknown): unknown {
  const options = { maxAliasCount: MAX_YAML_ALIAS_COUNT };
  try {
    return node === undefined ? doc.toJS(options) : (node as Node).toJS(doc, options);
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new InventoryError("invalid", yamlAliasProblem(error.message));
  }
}

function yamlAliasProblem(message: string): string {
  if (/excessive alias count/i.test(message)) {
    return `the YAML's aliases (*name) expand to more than ${MAX_YAML_ALIAS_COUNT} copies of their anchors (an "alias bomb"): write the values out instead`;
  }
  return `the YAML has an alias that cannot be read: ${message.split("\n")[0]}`;
}
