import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { describeReference } from "@/lib/registry/browse";

export const GET = apiRoute(async (request) => {
  const reference = new URL(request.url).searchParams.get("reference");
  if (!reference) throw new HttpError(400, "reference: which one? (?reference=repository:tag)");
  return Response.json(await describeReference(consoleInventory(), reference));
});
