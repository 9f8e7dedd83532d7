import { HttpError } from "./errors";

/** Largest JSON body an API route reads. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

export async function readJson(request: Request): Promise<unknown> {
  return parseJson(await bodyText(request));
}

/** Like readJson, but a request without a body reads as `{}` (options that may all be left out). */
export async function readOptionalJson(request: Request): Promise<unknown> {
  if (!request.body || request.headers.get("content-length") === "0") return {};
  const text = await bodyText(request);
  return text.trim() === "" ? {} : parseJson(text);
}

function bodyText(request: Request): Promise<string> {
  return readText(request, MAX_JSON_BYTES);
}

/** The request body as text, refused with 413 past `limit` bytes. */
export function readText(request: Request, limit: number): Promise<string> {
  return new Response(limitBody(request, limit)).text();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "the request body is not valid JSON");
  }
}

/** The request body, failing with 413 as soon as more than `limit` bytes have arrived. */
export function limitBody(request: Request, limit: number): ReadableStream<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) throw new HttpError(400, "the request has no body");
  let received = 0;
  return request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > limit) controller.error(tooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `the upload is larger than the limit of ${formatBytes(limit)}`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${bytes / 1024 ** 2} MiB`;
}
