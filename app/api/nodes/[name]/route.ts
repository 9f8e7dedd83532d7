import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { parseOrThrow } from "@/lib/inventory/errors";
import { deleteNode, getNode, updateNode } from "@/lib/inventory/nodes";
import { NodePatchSchema } from "@/lib/inventory/schema";

type Context = { params: Promise<{ name: string }> };

export const GET = apiRoute(async (_request, { params }: Context) => {
  const { name } = await params;
  const node = getNode({ ...consoleInventory(), name });
  if (!node) throw new HttpError(404, `no node named "${name}"`);
  return Response.json({ node });
});

export const PATCH = apiRoute(async (request, { params }: Context) => {
  const { name } = await params;
  const node = updateNode({
    ...consoleInventory(),
    name,
    patch: parseOrThrow(NodePatchSchema, await readJson(request)),
  });
  return Response.json({ node });
});

export const DELETE = apiRoute(async (_request, { params }: Context) => {
  deleteNode({ ...consoleInventory(), name: (await params).name });
  return new Response(null, { status: 204 });
});
