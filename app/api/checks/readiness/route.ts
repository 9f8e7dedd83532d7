import { fleetReadiness } from "@/lib/checks/readiness-service";
import { selectNodes } from "@/lib/fleet/node-access";
import { apiRoute } from "@/lib/http/api-route";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { listNodes } from "@/lib/inventory/nodes";

/** Each node's readiness for an apply (`?node=` for one): ready, failing, not checked or stale. */
export const GET = apiRoute(async (request) => {
  const { db } = consoleInventory();
  const node = new URL(request.url).searchParams.get("node");
  const nodes = selectNodes(listNodes({ db }), node === null ? "all" : [node]);
  return Response.json({ readiness: fleetReadiness({ db, nodes }) });
});
