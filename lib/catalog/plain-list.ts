import { CatalogBuilder } from "./builder";
import { NotACatalogError } from "./errors";
import type { CatalogResult } from "./types";

/**
 * One reference a line (`k0s airgap list-images`, hand-made lists). Blank lines and whole-line
 * `#` comments are ignored; CRLF and surrounding spaces are trimmed.
 */
export function readPlainList(text: string): CatalogResult {
  const builder = new CatalogBuilder();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const entry = (lines[i] ?? "").trim();
    if (entry === "" || entry.charCodeAt(0) === 0x23 /* # */) continue;
    builder.add(entry, i + 1);
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
