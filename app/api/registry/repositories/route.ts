import { apiRoute } from "@/lib/http/api-route";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { listRepositories, pageSize } from "@/lib/registry/browse";

export const GET = apiRoute(async (request) => {
  const query = new URL(request.url).searchParams;
  const page = await listRepositories(
    consoleInventory(),
    pageSize(query.get("n")),
    query.get("last") ?? undefined,
  );
  return Response.json({ repositories: page.items, next: page.next });
});
