import { z } from "zod";
import { runFleetChecks } from "@/lib/checks/service";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { latestCheckResults } from "@/lib/inventory/checks-store";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { RunSudoPasswordsSchema } from "@/lib/inventory/schema";

const Body = z.object({
  nodes: z.union([z.literal("all"), z.array(z.string()).min(1).max(5000)]),
  /** asked at run time for nodes whose sudo mode is "ask"; used for this run, never stored */
  sudoPasswords: RunSudoPasswordsSchema.optional(),
  concurrency: z.number().int().min(1).max(200).optional(),
});

export const POST = apiRoute(async (request) => {
  const body = Body.parse(await readJson(request));
  const results = await runFleetChecks({ ...consoleInventory(), ...body });
  return Response.json({ results });
});

export const GET = apiRoute(async (request) => {
  const node = new URL(request.url).searchParams.get("node") ?? undefined;
  return Response.json({ results: latestCheckResults({ db: consoleInventory().db, node }) });
});
