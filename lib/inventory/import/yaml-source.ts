/** YAML helpers shared by the k0sctl and Ansible YAML readers: documents with line numbers. */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";

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
