import { z } from "zod";
import { renderFleetEach } from "@/lib/fleet/render-fleet";
import { apiRoute } from "@/lib/http/api-route";
import { attachment } from "@/lib/http/content-disposition";
import { textStream } from "@/lib/http/text-stream";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import type { Database } from "@/lib/inventory/db";
import { k0sctlChunks, toAnsibleIni, toCsv } from "@/lib/inventory/export";
import { listNodes } from "@/lib/inventory/nodes";
import { getFleetSettings } from "@/lib/inventory/settings";
import type { NodePublic } from "@/lib/inventory/types";

const Format = z.enum(["k0sctl", "ansible", "csv"]);
const FILE = {
  k0sctl: ["k0sctl.yaml", "application/yaml"],
  ansible: ["inventory.ini", "text/plain"],
  csv: ["nodes.csv", "text/csv"],
} as const;

export const GET = apiRoute(async (request) => {
  const format = Format.parse(new URL(request.url).searchParams.get("format") ?? "k0sctl");
  const { db } = consoleInventory();
  const nodes = listNodes({ db });
  const body =
    format === "csv"
      ? toCsv(nodes)
      : format === "ansible"
        ? toAnsibleIni(nodes)
        : textStream(k0sctl(db, nodes));
  const [fileName, type] = FILE[format];
  return new Response(body, {
    headers: {
      "content-type": `${type}; charset=utf-8`,
      "content-disposition": attachment(fileName),
      "cache-control": "no-store",
    },
  });
});

/**
 * The k0sctl export carries each node's rendered mirror files, so k0sctl can apply them too.
 * Streamed: a node's files are rendered when its host is written (2,000 nodes × 1,000 registries
 * would otherwise be gigabytes in memory).
 */
function k0sctl(db: Database, nodes: NodePublic[]): Generator<string> {
  const settings = getFleetSettings({ db });
  const rendered = renderFleetEach(settings, nodes)[Symbol.iterator]();
  // k0sctlChunks asks for each node's files once, in order: the renderer's order
  return k0sctlChunks(
    nodes,
    (node) => {
      const next = rendered.next();
      if (next.done || next.value.name !== node.name)
        throw new Error(`rendering lost ${node.name}`);
      return next.value.files;
    },
    { k0sVersion: settings.k0sVersion },
  );
}
