import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { duplicateNode, updateNode } from "@/lib/inventory/nodes";

const Body = z.object({ name: z.string(), address: z.string().optional() });

export const POST = apiRoute(async (request, { params }: { params: Promise<{ name: string }> }) => {
  const { name: newName, address } = Body.parse(await readJson(request));
  const inventory = consoleInventory();
  const copy = duplicateNode({ ...inventory, name: (await params).name, newName });
  const node = address ? updateNode({ ...inventory, name: copy.name, patch: { address } }) : copy;
  return Response.json({ node }, { status: 201 });
});
