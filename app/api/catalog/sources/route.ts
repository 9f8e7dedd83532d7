import { apiRoute } from "@/lib/http/api-route";
import { catalogSourcesView } from "@/lib/inventory/catalog-sources";
import { consoleInventory } from "@/lib/inventory/console-inventory";

/** Every uploaded catalog kept as a source (POST /api/catalog adds one), and their union. */
export const GET = apiRoute(async () => Response.json(catalogSourcesView(consoleInventory())));
