import { apiRoute } from "@/lib/http/api-route";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { reconcileReport } from "@/lib/registry/reconcile-service";

export const GET = apiRoute(async () => Response.json(await reconcileReport(consoleInventory())));
