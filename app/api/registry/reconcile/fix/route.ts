import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { fixReferences, MAX_CHECKED } from "@/lib/registry/reconcile-service";

const Body = z.object({
  /** images as the report names them (registry.k8s.io/pause:3.9), or every missing one */
  references: z.union([
    z.literal("all"),
    z.array(z.string().min(1).max(512)).min(1).max(MAX_CHECKED),
  ]),
});

export const POST = apiRoute(async (request) => {
  const { references } = Body.parse(await readJson(request));
  return Response.json({ results: await fixReferences(consoleInventory(), references) });
});
