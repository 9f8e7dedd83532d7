import { CatalogBuilder } from "./builder";
import { NotACatalogError } from "./errors";
import { namesRegistryHost } from "./reference";
import type { CatalogResult } from "./types";

/** `|---|:---:|` — a table's delimiter row, with at least two columns. */
const delimiterRow = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$/;

/** A table that starts at column 0 with "|" (YAML block scalars are indented, so never match). */
export function looksLikeMarkdownTable(text: string): boolean {
  const lines = text.split("\n");
  return lines.some((line, i) => line.startsWith("|") && delimiterRow.test(lines[i + 1] ?? ""));
}

/**
 * Best effort for the k0rdent Markdown bundle catalog: tables with an image (or name) column and
 * a version (or tag) column become `name:version` entries. Rows of chart tables are skipped.
 * Names without a registry host are read as the grammar says (Docker Hub) and flagged once.
 */
export function readMarkdownCatalog(text: string): CatalogResult {
  const builder = new CatalogBuilder();
  const lines = text.split("\n").map((line) => line.trimEnd());
  let heading = "";
  let hostless = 0;
  let firstHostless: { name: string; line: number } | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^#{1,6}\s/.test(line)) heading = line;
    if (!line.includes("|") || !delimiterRow.test(lines[i + 1] ?? "")) continue;

    const header = cells(line).map((cell) => cell.toLowerCase());
    const nameColumn = findColumn(header, [
      /image/,
      /^(name|repository|component|chart)$/,
      /name|chart/,
    ]);
    const versionColumn = findColumn(header, [/version/, /tag/]);
    const isChartTable = /chart/i.test(heading) || header.some((cell) => cell.includes("chart"));
    let row = i + 2;
    for (; row < lines.length && (lines[row] ?? "").includes("|"); row++) {
      if (nameColumn === undefined) continue;
      const rowCells = cells(lines[row] ?? "");
      const name = rowCells[nameColumn] ?? "";
      const version = versionColumn === undefined ? "" : (rowCells[versionColumn] ?? "");
      if (name === "") continue;
      const input = version === "" || hasTagOrDigest(name) ? name : `${name}:${version}`;
      if (isChartTable) {
        builder.skip(input, row + 1, "Helm chart, not a container image");
        continue;
      }
      if (builder.add(input, row + 1) && !namesRegistryHost(name)) {
        hostless++;
        firstHostless ??= { name: input, line: row + 1 };
      }
    }
    i = row - 1;
  }

  if (firstHostless !== undefined) {
    builder.skip(
      firstHostless.name,
      firstHostless.line,
      `${hostless} image name(s) in the Markdown tables carry no registry host; they were read as Docker Hub (docker.io) names, as the reference grammar says — check where the bundle really takes them from`,
    );
  }
  if (builder.entryCount === 0) {
    throw new NotACatalogError("Markdown without a table of image names and versions");
  }
  return builder.finish("k0rdent-markdown");
}

/** Cell texts of a table row, with code spans, links and emphasis removed. */
function cells(row: string): string[] {
  let inner = row.trim();
  if (inner.startsWith("|")) inner = inner.slice(1);
  if (inner.endsWith("|") && !inner.endsWith("\\|")) inner = inner.slice(0, -1);
  return inner.split(/(?<!\\)\|/).map(cleanCell);
}

function cleanCell(cell: string): string {
  const text = cell
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim();
  return /^(-|—|–|n\/a)?$/i.test(text) ? "" : text;
}

function findColumn(header: string[], patterns: RegExp[]): number | undefined {
  for (const pattern of patterns) {
    const index = header.findIndex((cell) => pattern.test(cell));
    if (index !== -1) return index;
  }
  return undefined;
}

/** `repo:tag` or `repo@digest` already — the last path element carries a ":" or "@". */
function hasTagOrDigest(name: string): boolean {
  const last = name.slice(name.lastIndexOf("/") + 1);
  return last.includes(":") || name.includes("@");
}
