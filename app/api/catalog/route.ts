import { CatalogTooLargeError, NotACatalogError, readCatalog } from "@/lib/catalog";
import { MAX_CATALOG_TEXT_BYTES, MAX_UPLOAD_BYTES } from "@/lib/catalog/limits";
import { apiRoute } from "@/lib/http/api-route";
import { limitBody } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";

export const POST = apiRoute(async (request) => {
  const body = limitBody(request, MAX_UPLOAD_BYTES);
  const fileName = new URL(request.url).searchParams.get("name") ?? undefined;
  try {
    return Response.json(
      await readCatalog(body, { maxTextBytes: MAX_CATALOG_TEXT_BYTES, fileName }),
    );
  } catch (error) {
    if (error instanceof NotACatalogError) throw new HttpError(400, error.message);
    if (error instanceof CatalogTooLargeError) throw new HttpError(413, error.message);
    throw error;
  }
});
