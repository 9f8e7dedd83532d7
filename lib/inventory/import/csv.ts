/** CSV inventory: a header row, then one node per record (RFC 4180 quoting). */
import { nameFromAddress, parsePortText } from "../fields";
import { parseLabelList } from "../label-list";
import { readCsvRecords } from "./csv-records";
import { parseJumpHost } from "./jump-host";
import { finishRows } from "./rows";
import type { DraftRow, ImportPreview } from "./types";

export const CSV_COLUMNS = [
  "name",
  "address",
  "port",
  "user",
  "role",
  "registryAddress",
  "labels",
  "bastion",
] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** Header cells are matched without case, spaces, '_' or '-'; a few common synonyms are accepted. */
const HEADER_ALIASES: Record<string, Column> = {
  name: "name",
  address: "address",
  host: "address",
  ip: "address",
  port: "port",
  user: "user",
  username: "user",
  role: "role",
  registryaddress: "registryAddress",
  registry: "registryAddress",
  labels: "labels",
  bastion: "bastion",
  jumphost: "bastion",
};

export function parseCsvInventory(text: string): ImportPreview {
  const [header, ...records] = readCsvRecords(text.replace(/^\uFEFF/, ""));
  const preview: ImportPreview = { format: "csv", rows: [], notes: [] };
  if (!header) return preview;
  const columns = header.fields.map(
    (cell) => HEADER_ALIASES[cell.toLowerCase().replace(/[\s_-]/g, "")],
  );
  const headerErrors = header.error ? [header.error] : [];
  if (!columns.includes("address")) headerErrors.push('the header row needs an "address" column');
  const repeated = columns.filter((column, index) => column && columns.indexOf(column) !== index);
  if (repeated.length > 0) headerErrors.push(`the header names ${repeated.join(", ")} twice`);
  if (headerErrors.length > 0) {
    preview.rows = [{ line: header.line, node: null, errors: headerErrors, notes: [] }];
    return preview;
  }
  const unused = header.fields.filter((_, index) => columns[index] === undefined);
  if (unused.length > 0) preview.notes.push(`columns not used: ${unused.join(", ")}`);
  preview.notes.push("a CSV carries no credentials: upload a key or set a password for each node");
  preview.rows = finishRows(
    records.map((record) => {
      const errors = record.error ? [record.error] : [];
      if (record.fields.length > columns.length) {
        errors.push(`${record.fields.length} fields, but the header has ${columns.length}`);
      }
      const cells: Partial<Record<Column, string>> = {};
      columns.forEach((column, index) => {
        if (column) cells[column] = (record.fields[index] ?? "").trim();
      });
      return draftFromCells(record.line, cells, errors);
    }),
  );
  return preview;
}

function draftFromCells(
  line: number,
  cells: Partial<Record<Column, string>>,
  errors: string[],
): DraftRow {
  const notes: string[] = [];
  const address = cells.address ?? "";
  let name = cells.name;
  if (!name && address) {
    name = nameFromAddress(address);
    notes.push(`no name: using "${name}" from the address`);
  }
  const user = cells.user || undefined;
  const node: Record<string, unknown> = {
    name,
    address,
    port: parsePortText(cells.port ?? "", errors),
    user,
    role: cells.role || undefined,
    registryAddress: cells.registryAddress || undefined,
    labels: cells.labels ? parseLabelList(cells.labels, errors) : undefined,
  };
  if (!cells.role)
    errors.push("role: is required (controller, controller+worker, worker or single)");
  if (cells.bastion) {
    const jump = parseJumpHost(cells.bastion);
    if ("error" in jump) errors.push(`bastion: ${jump.error}`);
    else
      node.bastion = { address: jump.address, port: jump.port, user: jump.user ?? user ?? "root" };
  }
  return { line, node, errors, notes };
}
