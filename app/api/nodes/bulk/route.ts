import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { BulkRequestSchema, runBulk } from "@/lib/inventory/bulk";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { parseOrThrow } from "@/lib/inventory/errors";

/** trust, pin-known-hosts, edit or remove many nodes: 200 with a result per node */
export const POST = apiRoute(async (request) => {
  const bulk = parseOrThrow(BulkRequestSchema, await readJson(request));
  const results = runBulk({ ...consoleInventory(), request: bulk });
  return Response.json({
    results,
    done: results.filter((result) => result.outcome === "done").length,
    failed: results.filter((result) => result.outcome === "failed").length,
  });
});
