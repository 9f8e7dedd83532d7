import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { createCredential, listCredentials } from "@/lib/inventory/credentials";
import { parseOrThrow } from "@/lib/inventory/errors";
import { CredentialInputSchema } from "@/lib/inventory/schema";

export const GET = apiRoute(async () =>
  Response.json({ credentials: listCredentials(consoleInventory()) }),
);

export const POST = apiRoute(async (request) => {
  const credential = createCredential({
    ...consoleInventory(),
    input: parseOrThrow(CredentialInputSchema, await readJson(request)),
  });
  return Response.json({ credential }, { status: 201 });
});
