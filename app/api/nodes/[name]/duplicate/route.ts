import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { duplicateNode } from "@/lib/inventory/nodes";

const Body = z.object({ name: z.string(), address: z.string().optional() });

export const POST = apiRoute(async (request, { params }: { params: Promise<{ name: string }> }) => {
  const { name: newName, address } = Body.parse(await readJson(request));
  const inventory = consoleInventory();
  const node = duplicateNode({ ...inventory, name: (await params).name, newName, address });
  return Response.json({ node }, { status: 201 });
});
