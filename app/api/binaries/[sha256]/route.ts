import { deleteBinary, getBinary } from "@/lib/binaries/store";
import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";
import { consoleInventory } from "@/lib/inventory/console-inventory";

type Params = { params: Promise<{ sha256: string }> };

async function shaOf({ params }: Params): Promise<string> {
  return (await params).sha256.toLowerCase();
}

const notFound = (sha256: string) =>
  new HttpError(404, `no uploaded binary has sha256 ${sha256.slice(0, 64)}`);

export const GET = apiRoute(async (_request, context: Params) => {
  const sha256 = await shaOf(context);
  const binary = getBinary({ db: consoleInventory().db, sha256 });
  if (!binary) throw notFound(sha256);
  return Response.json({ binary });
});

/** Removes a stored binary; runs that named it keep their record, a retry of them is refused. */
export const DELETE = apiRoute(async (_request, context: Params) => {
  const sha256 = await shaOf(context);
  if (!deleteBinary({ db: consoleInventory().db, sha256 })) throw notFound(sha256);
  return new Response(null, { status: 204 });
});
