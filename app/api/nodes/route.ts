import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { parseOrThrow } from "@/lib/inventory/errors";
import { createNode, listNodes } from "@/lib/inventory/nodes";
import { NodeInputSchema } from "@/lib/inventory/schema";

export const GET = apiRoute(async () => Response.json({ nodes: listNodes(consoleInventory()) }));

export const POST = apiRoute(async (request) => {
  const node = createNode({
    ...consoleInventory(),
    input: parseOrThrow(NodeInputSchema, await readJson(request)),
  });
  return Response.json({ node }, { status: 201 });
});
