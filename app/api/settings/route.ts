import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { FleetSettingsSchema, getFleetSettings, putFleetSettings } from "@/lib/inventory/settings";
import { render } from "@/lib/render";
import { parseRenderInput } from "@/lib/render/schema";

export const GET = apiRoute(async () => Response.json(getFleetSettings(consoleInventory())));

export const PUT = apiRoute(async (request) => {
  // every bad field at once, by its label
  const settings = parseRenderInput(
    FleetSettingsSchema.omit({ catalog: true }),
    await readJson(request),
  );
  // refuse settings that cannot render (a bad address, prefix, CA…) before they are stored
  render({ ...settings, nodes: [] });
  return Response.json(putFleetSettings({ ...consoleInventory(), settings }));
});
