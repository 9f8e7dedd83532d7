import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { getRegistrySettings, putRegistrySettings } from "@/lib/inventory/registry-settings";
import type { RegistrySettingsInput } from "@/lib/registry/settings";

export const GET = apiRoute(async () => Response.json(getRegistrySettings(consoleInventory())));

export const PUT = apiRoute(async (request) =>
  Response.json(
    putRegistrySettings({
      ...consoleInventory(),
      // checked field by field, all at once, by putRegistrySettings
      input: (await readJson(request)) as RegistrySettingsInput,
    }),
  ),
);
