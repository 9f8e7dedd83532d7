/**
 * Bundle catalogs → image lists. Pure: no Node APIs, only Web-standard globals
 * (TextDecoder, ReadableStream, DecompressionStream), so it runs in the browser and the server.
 */
import { readBundleArchive } from "./archive";
import { ByteSource } from "./byte-source";
import { DecompressionGuard } from "./decompression-guard";
import { NotACatalogError } from "./errors";
import { jsonCatalogSteps } from "./json-catalog";
import { MAX_CATALOG_TEXT_BYTES, MAX_DECOMPRESSED_BYTES } from "./limits";
import { looksLikeMarkdownTable, readMarkdownCatalog } from "./markdown";
import { plainListSteps } from "./plain-list";
import { runCooperatively, runSteps, type Steps } from "./steps";
import { looksLikeTar } from "./tar";
import { CatalogTextDecoder } from "./text";
import type { CatalogResult } from "./types";
import { readYamlCatalog } from "./yaml-catalog";

export { countRegistries } from "./builder";
export { CatalogLimitError, CatalogTooLargeError, NotACatalogError } from "./errors";
export { MAX_CATALOG_TEXT_BYTES, MAX_UPLOAD_BYTES } from "./limits";
export {
  familiarName,
  InvalidReferenceError,
  isValidRegistryHost,
  isValidTag,
  type ParsedReference,
  parseNormalizedNamed,
  referenceErrors,
  tryParseNormalizedNamed,
} from "./reference";
export type * from "./types";

/** gzip inside gzip is tolerated once (a .tar.gz gzipped again); deeper is not a catalog. */
const maxGzipLayers = 2;

export interface ReadCatalogOptions {
  /** largest text catalog (or catalog file inside an archive) to buffer; default 32 MiB */
  maxTextBytes?: number;
  /** original file name: only a tie-breaker between formats that look the same */
  fileName?: string;
  /** most bytes all gzip layers together may produce; default MAX_DECOMPRESSED_BYTES */
  maxDecompressedBytes?: number;
  /** stops reading (and decompressing) when it aborts, e.g. the request's signal: the client left */
  signal?: AbortSignal;
  /** gzip → bytes; the server passes Node's zlib (lib/catalog/node-gunzip.ts), which reads only as pulled */
  gunzip?: (compressed: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
}

/** Reads any supported catalog, recognised by its content. Throws NotACatalogError / CatalogTooLargeError. */
export async function readCatalog(
  input: Uint8Array | ReadableStream<Uint8Array>,
  opts: ReadCatalogOptions = {},
): Promise<CatalogResult> {
  const maxTextBytes = opts.maxTextBytes ?? MAX_CATALOG_TEXT_BYTES;
  const guard = new DecompressionGuard(
    opts.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES,
    opts.signal,
  );
  const source = new ByteSource(guard.received(ByteSource.streamOf(input)));
  try {
    return await readSource(
      source,
      {
        maxTextBytes,
        fileName: opts.fileName,
        guard,
        gunzip: opts.gunzip ?? webGunzip,
      },
      0,
    );
  } catch (error) {
    await source.cancel(); // stop the upload / file read we no longer need
    throw error;
  }
}

interface ReadContext {
  maxTextBytes: number;
  fileName: string | undefined;
  guard: DecompressionGuard;
  gunzip: (compressed: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
}

function webGunzip(compressed: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  // Cast: TS types the writable side as BufferSource (ArrayBuffer-backed); our chunks are too.
  return compressed.pipeThrough(
    new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
}

async function readSource(
  source: ByteSource,
  context: ReadContext,
  gzipLayers: number,
): Promise<CatalogResult> {
  const { maxTextBytes, fileName, guard } = context;
  const head = await source.peek(512);
  if (head.length === 0) {
    throw new NotACatalogError(
      gzipLayers > 0 ? "gzip data that holds nothing" : "the file is empty",
    );
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    if (gzipLayers >= maxGzipLayers) throw new NotACatalogError("gzip nested in gzip too deeply");
    const inflated = guard.inflated(context.gunzip(source.rest()));
    try {
      return await readSource(new ByteSource(inflated), context, gzipLayers + 1);
    } catch (error) {
      if (isDecompressionError(error))
        throw new NotACatalogError(`damaged gzip data (${error.message})`);
      throw error; // ours, or the caller's stream failing (e.g. an upload limit): pass it on
    }
  }
  if (looksLikeTar(head)) return readBundleArchive(source, maxTextBytes);
  const decoder = new CatalogTextDecoder();
  await source.readEach(maxTextBytes, (chunk) => decoder.push(chunk));
  const text = decoder.end();
  // a 30 MB list is a second of parsing: in slices, so the server keeps answering meanwhile
  return runCooperatively(catalogTextSteps(text, fileName));
}

/** Reads a text catalog (plain list, JSON, YAML or Markdown), recognised by its content. */
export function readCatalogText(text: string, fileName?: string): CatalogResult {
  return runSteps(catalogTextSteps(text, fileName));
}

function* catalogTextSteps(text: string, fileName?: string): Steps<CatalogResult> {
  const start = text.search(/\S/);
  if (start === -1) throw new NotACatalogError("the file is empty");
  const first = text[start];
  if (first === "{" || first === "[") return yield* jsonCatalogSteps(text);
  if (first === "<") throw new NotACatalogError("an HTML or XML document");
  if (looksLikeMarkdownTable(text)) return readMarkdownCatalog(text);
  if (looksLikeYaml(text)) return readYamlCatalog(text, fileName);
  return yield* plainListSteps(text);
}

/** zlib errors: Node gives them a Z_* code, browsers a TypeError. */
function isDecompressionError(error: unknown): error is Error {
  if (error instanceof TypeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "string" && code.startsWith("Z_");
}

/**
 * The first line that is not blank or a comment decides: `---`, `%YAML`, `- item`, or
 * `key:` followed by a space or the line end. A reference never holds spaces or ends in ":".
 */
function looksLikeYaml(text: string): boolean {
  for (const raw of text.split("\n", 1000)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    return /^(---|%YAML|-(\s|$))/.test(line) || /^[^\s][^#]*?:(\s|$)/.test(line);
  }
  return false;
}
