import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { parseOrThrow } from "@/lib/inventory/errors";
import { FleetSettingsSchema, getFleetSettings, putFleetSettings } from "@/lib/inventory/settings";
import { render } from "@/lib/render";

export const GET = apiRoute(async () => Response.json(getFleetSettings(consoleInventory())));

export const PUT = apiRoute(async (request) => {
  const settings = parseOrThrow(
    FleetSettingsSchema.omit({ catalog: true }),
    await readJson(request),
  );
  // refuse settings that cannot render (a bad address, prefix, CA…) before they are stored
  render({ ...settings, nodes: [] });
  return Response.json(putFleetSettings({ ...consoleInventory(), settings }));
});
