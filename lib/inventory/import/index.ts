/** Inventory import (pure: no Node APIs, no database): text → a preview of rows; nothing is saved. */
import { InventoryError } from "../errors";
import { parseAnsibleIni } from "./ansible-ini";
import { parseAnsibleYaml } from "./ansible-yaml";
import { parseCsvInventory } from "./csv";
import { detectInventoryFormat } from "./detect";
import { parseK0sctl } from "./k0sctl";
import type { ImportPreview, InventoryFormat } from "./types";

export { parseAnsibleIni } from "./ansible-ini";
export { parseAnsibleYaml } from "./ansible-yaml";
export { CSV_COLUMNS, parseCsvInventory } from "./csv";
export { detectInventoryFormat } from "./detect";
export { parseK0sctl } from "./k0sctl";
export type * from "./public-preview";
export { publicPreview } from "./public-preview";
export type * from "./types";

export const MAX_INVENTORY_CHARS = 5 * 1024 * 1024;
const MAX_IMPORT_ROWS = 5000;

const PARSERS: Record<InventoryFormat, (text: string) => ImportPreview> = {
  k0sctl: parseK0sctl,
  "ansible-ini": parseAnsibleIni,
  "ansible-yaml": parseAnsibleYaml,
  csv: parseCsvInventory,
};

/** Reads an inventory in the given format, or the one detected from its content. */
export function parseInventory(text: string, format?: InventoryFormat): ImportPreview {
  if (text.length > MAX_INVENTORY_CHARS) {
    throw new InventoryError(
      "invalid",
      `the inventory is larger than ${MAX_INVENTORY_CHARS / 1024 / 1024} MiB`,
    );
  }
  const chosen = format ?? detectInventoryFormat(text);
  if (!chosen) {
    throw new InventoryError(
      "invalid",
      "not a recognised inventory: expected a k0sctl.yaml, an Ansible inventory (INI or YAML) or a CSV with a header row",
    );
  }
  const preview = PARSERS[chosen](text);
  if (preview.rows.length > MAX_IMPORT_ROWS) {
    throw new InventoryError("invalid", `more than ${MAX_IMPORT_ROWS} hosts in one import`);
  }
  return preview;
}
