/** Whole-input failures of readCatalog (entry-level problems go into CatalogResult.errors instead). */

/** The input is not any catalog format we know; the message says why, in one sentence. */
export class NotACatalogError extends Error {
  override name = "NotACatalogError";
  constructor(reason: string) {
    super(`not a catalog: ${reason}`);
  }
}

/** A catalog text (or a text file inside an archive) is larger than the allowed size. */
export class CatalogTooLargeError extends Error {
  override name = "CatalogTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`catalog text is larger than ${formatBytes(limitBytes)}`);
  }
}

function formatBytes(n: number): string {
  const mib = 1024 * 1024;
  return n % mib === 0 ? `${n / mib} MiB` : `${n} bytes`;
}
