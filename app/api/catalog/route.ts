import { CatalogLimitError, NotACatalogError, readCatalog } from "@/lib/catalog";
import { MAX_CATALOG_TEXT_BYTES, MAX_UPLOAD_BYTES } from "@/lib/catalog/limits";
import { nodeGunzip } from "@/lib/catalog/node-gunzip";
import type { CatalogResult } from "@/lib/catalog/types";
import { apiRoute } from "@/lib/http/api-route";
import { limitBody } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";
import { jsonPieces, textStream } from "@/lib/http/text-stream";
import { addCatalogSource } from "@/lib/inventory/catalog-sources";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { HIDDEN_CONTROLS, HIDDEN_CONTROLS_MESSAGE } from "@/lib/inventory/fields";

/** Reads a catalog and keeps its summary as a source of the fleet's catalog (pre-flight samples it). */
export const POST = apiRoute(async (request) => {
  const body = limitBody(request, MAX_UPLOAD_BYTES);
  const fileName = new URL(request.url).searchParams.get("name") ?? undefined;
  if (fileName && HIDDEN_CONTROLS.test(fileName)) {
    throw new HttpError(400, `name: the file name ${HIDDEN_CONTROLS_MESSAGE}`, { field: "name" });
  }
  let result: CatalogResult;
  try {
    result = await readCatalog(body, {
      maxTextBytes: MAX_CATALOG_TEXT_BYTES,
      fileName,
      signal: request.signal,
      gunzip: nodeGunzip,
    });
  } catch (error) {
    // the client left: reading (and decompressing) stopped with it; nobody reads this answer
    if (request.signal.aborted) throw new HttpError(400, "the upload was cancelled");
    if (error instanceof NotACatalogError) throw new HttpError(400, error.message);
    if (error instanceof CatalogLimitError) throw new HttpError(413, error.message);
    throw error;
  }
  // kept as one more source of the fleet's catalog (their union); `?replace=true` drops the others
  await addCatalogSource({
    db: consoleInventory().db,
    source: {
      name: fileName ?? "catalog",
      format: result.format,
      images: [...new Set(result.images.map((image) => image.ref))],
      loadedAt: new Date().toISOString(),
      skipped: result.skipped.length,
      errors: result.errors.length,
    },
    replace: new URL(request.url).searchParams.get("replace") === "true",
  });
  return new Response(textStream(jsonPieces({ ...result })), {
    headers: { "content-type": "application/json" },
  });
});
