import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { deleteCredential, getCredential, updateCredential } from "@/lib/inventory/credentials";
import { parseOrThrow } from "@/lib/inventory/errors";
import { CredentialPatchSchema } from "@/lib/inventory/schema";

type Context = { params: Promise<{ name: string }> };

export const GET = apiRoute(async (_request, { params }: Context) => {
  const { name } = await params;
  return Response.json({ credential: getCredential({ ...consoleInventory(), name }) });
});

/** rename or rotate: every node using the credential changes with it */
export const PATCH = apiRoute(async (request, { params }: Context) => {
  const { name } = await params;
  const credential = updateCredential({
    ...consoleInventory(),
    name,
    patch: parseOrThrow(CredentialPatchSchema, await readJson(request)),
  });
  return Response.json({ credential });
});

export const DELETE = apiRoute(async (_request, { params }: Context) => {
  deleteCredential({ ...consoleInventory(), name: (await params).name });
  return new Response(null, { status: 204 });
});
