import { NotACatalogError } from "./errors";

/**
 * Bytes → text. UTF-8 (BOM dropped) is the norm; UTF-16 with a BOM is accepted because
 * PowerShell 5 `>` writes it. Anything that is not clean text is not a catalog.
 */
export function decodeCatalogText(bytes: Uint8Array): string {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? "utf-16le"
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? "utf-16be"
        : "utf-8";
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new NotACatalogError("binary data (not text, gzip or tar)");
  }
  if (hasControlCharacters(text)) {
    throw new NotACatalogError("binary data (not text, gzip or tar)");
  }
  return text;
}

/** NUL and other C0 controls (except tab, LF, FF, CR) never appear in a text catalog. */
function hasControlCharacters(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return /[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(text);
}
