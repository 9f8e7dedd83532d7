import { z } from "zod";
import { renderFleet } from "@/lib/fleet/render-fleet";
import { apiRoute } from "@/lib/http/api-route";
import { attachment } from "@/lib/http/content-disposition";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { toAnsibleIni, toCsv, toK0sctl } from "@/lib/inventory/export";
import { listNodes } from "@/lib/inventory/nodes";
import { getFleetSettings } from "@/lib/inventory/settings";

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
        : k0sctl(db, nodes);
  const [fileName, type] = FILE[format];
  return new Response(body, {
    headers: {
      "content-type": `${type}; charset=utf-8`,
      "content-disposition": attachment(fileName),
      "cache-control": "no-store",
    },
  });
});

/** The k0sctl export carries each node's rendered mirror files, so k0sctl can apply them too. */
function k0sctl(
  db: Parameters<typeof getFleetSettings>[0]["db"],
  nodes: ReturnType<typeof listNodes>,
): string {
  const settings = getFleetSettings({ db });
  const files = nodes.length ? renderFleet(settings, nodes).nodes : [];
  return toK0sctl(nodes, Object.fromEntries(files.map((node) => [node.name, node.files])), {
    k0sVersion: settings.k0sVersion,
  });
}
