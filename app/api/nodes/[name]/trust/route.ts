import { z } from "zod";
import { trustHostKey } from "@/lib/fleet/trust-host-key";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";

const Body = z.object({ fingerprint: z.string().min(10).max(100) });

export const POST = apiRoute(async (request, { params }: { params: Promise<{ name: string }> }) => {
  const { fingerprint } = Body.parse(await readJson(request));
  const node = await trustHostKey({
    ...consoleInventory(),
    name: (await params).name,
    fingerprint,
  });
  return Response.json({ node });
});
