import { NotAK0sBinaryError } from "@/lib/binaries/errors";
import { MAX_BINARY_BYTES, receiveBinary } from "@/lib/binaries/receive";
import { listBinaries } from "@/lib/binaries/store";
import { apiRoute } from "@/lib/http/api-route";
import { limitBody } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";
import { consoleInventory } from "@/lib/inventory/console-inventory";

/** Uploads a k0s binary (the body is the file, streamed to the data folder); 201 new, 200 already kept. */
export const POST = apiRoute(async (request) => {
  const body = limitBody(request, MAX_BINARY_BYTES);
  const name = new URL(request.url).searchParams.get("name");
  try {
    const { binary, created } = await receiveBinary({ db: consoleInventory().db, body, name });
    return Response.json(
      { binary },
      { status: created ? 201 : 200, headers: { location: `/api/binaries/${binary.sha256}` } },
    );
  } catch (error) {
    if (error instanceof NotAK0sBinaryError) throw new HttpError(400, error.message);
    throw error;
  }
});

export const GET = apiRoute(async () =>
  Response.json({ binaries: listBinaries(consoleInventory()) }),
);
