import { CatalogBuilder } from "./builder";
import { NotACatalogError } from "./errors";
import type { Steps } from "./steps";
import type { CatalogResult } from "./types";

/**
 * One reference a line (`k0s airgap list-images`, hand-made lists). Blank lines and whole-line
 * `#` comments are ignored; CRLF and surrounding spaces are trimmed.
 */
export function* plainListSteps(text: string): Steps<CatalogResult> {
  const builder = new CatalogBuilder();
  for (let start = 0, line = 1; start <= text.length; line++) {
    const end = text.indexOf("\n", start);
    const entry = text.slice(start, end === -1 ? text.length : end).trim();
    start = end === -1 ? text.length + 1 : end + 1;
    if (entry === "" || entry.charCodeAt(0) === 0x23 /* # */) continue;
    builder.add(entry, line);
    yield;
  }
  if (builder.images.length === 0) {
    const first = builder.errors[0];
    if (first === undefined) {
      throw new NotACatalogError(
        "a text without any image reference (only blank lines and comments)",
      );
    }
    throw new NotACatalogError(
      `no line could be read as an image reference (first error, line ${first.line}: ${first.message})`,
    );
  }
  return builder.finish("plain-list");
}
