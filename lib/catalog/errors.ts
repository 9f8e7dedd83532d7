/** Whole-input failures of readCatalog (entry-level problems go into CatalogResult.errors instead). */

/** The input is not any catalog format we know; the message says why, in one sentence. */
export class NotACatalogError extends Error {
  override name = "NotACatalogError";
  constructor(reason: string) {
    super(`not a catalog: ${reason}`);
  }
}

/** The input is beyond one of the documented limits (lib/catalog/limits.ts); the message names it. */
export class CatalogLimitError extends Error {
  override name = "CatalogLimitError";
}

/** A catalog text (or a text file inside an archive) is larger than the allowed size. */
export class CatalogTooLargeError extends CatalogLimitError {
  override name = "CatalogTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`catalog text is larger than ${formatBytes(limitBytes)}`);
  }
}

export function formatBytes(n: number): string {
  const mib = 1024 * 1024;
  if (n % (1024 * mib) === 0) return `${n / (1024 * mib)} GiB`;
  return n % mib === 0 ? `${n / mib} MiB` : `${n} bytes`;
}
