import { renderBundle } from "@/lib/bundle/render-bundle";
import { fleetRenderInput, previewFleet } from "@/lib/fleet/render-fleet";
import { apiRoute } from "@/lib/http/api-route";
import { attachment } from "@/lib/http/content-disposition";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { listNodes } from "@/lib/inventory/nodes";
import { getFleetSettings } from "@/lib/inventory/settings";

/**
 * The fleet's files as plans and applies write them: the stored settings and the inventory's
 * nodes (every node, or `?node=NAME`; `?node=` alone: the first), a sample node while the fleet
 * is empty. `?format=zip`: the zip, with the same files.
 */
export const GET = apiRoute(async (request) => {
  const query = new URL(request.url).searchParams;
  const { db } = consoleInventory();
  const settings = getFleetSettings({ db });
  const preview = previewFleet(settings, listNodes({ db }), {
    only: query.get("node") ?? undefined,
    images: settings.catalog?.images,
  });
  if (query.get("format") !== "zip") return Response.json(preview);
  const now = new Date();
  const input = fleetRenderInput(settings, preview.nodes);
  const scope = query.has("node") ? (preview.nodes[0]?.name ?? "fleet") : "fleet";
  return new Response(renderBundle(preview, input, now), {
    headers: {
      "content-type": "application/zip",
      "content-disposition": attachment(
        `k0s-mirror-${scope}-${preview.k0sVersion}-${now.toISOString().slice(0, 10)}.zip`,
      ),
      "cache-control": "no-store",
    },
  });
});
