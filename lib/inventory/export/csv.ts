/** NodePublic[] → CSV with a header row, readable back by the CSV importer. */

import { CSV_COLUMNS } from "../import/csv";
import { csvField } from "../import/csv-records";
import { formatJumpHost } from "../import/jump-host";
import { formatLabelList } from "../label-list";
import type { NodePublic } from "../types";

export function toCsv(nodes: NodePublic[]): string {
  const rows = nodes.map((node) => {
    const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
      name: node.name,
      address: node.address,
      port: String(node.port),
      user: node.user,
      role: node.role,
      registryAddress: node.registryAddress ?? "",
      labels: formatLabelList(node.labels),
      bastion: node.bastion ? formatJumpHost(node.bastion) : "",
    };
    return CSV_COLUMNS.map((column) => csvField(cells[column])).join(",");
  });
  return `${[CSV_COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}
