import { apiRoute } from "@/lib/http/api-route";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { testRegistrySettings } from "@/lib/registry/reach";

export const POST = apiRoute(async () =>
  Response.json(await testRegistrySettings(consoleInventory())),
);
