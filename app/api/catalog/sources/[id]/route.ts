import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { catalogSourcesView, removeCatalogSource } from "@/lib/inventory/catalog-sources";
import { consoleInventory } from "@/lib/inventory/console-inventory";

type Context = { params: Promise<{ id: string }> };

const SourceId = z.coerce.number().int().positive();

/** Removes one source: only the images and registries no other source brought go with it. */
export const DELETE = apiRoute(async (_request, { params }: Context) => {
  const { db } = consoleInventory();
  removeCatalogSource({ db, id: SourceId.parse((await params).id) });
  return Response.json(catalogSourcesView({ db }));
});
