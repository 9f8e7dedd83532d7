import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { listTags, pageSize } from "@/lib/registry/browse";

export const GET = apiRoute(async (request) => {
  const query = new URL(request.url).searchParams;
  const repository = query.get("repository");
  if (!repository) throw new HttpError(400, "repository: which repository's tags? (?repository=)");
  const page = await listTags(
    consoleInventory(),
    repository,
    pageSize(query.get("n")),
    query.get("last") ?? undefined,
  );
  return Response.json({ repository, tags: page.items, next: page.next });
});
