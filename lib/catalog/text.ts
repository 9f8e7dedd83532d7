import { NotACatalogError } from "./errors";

/**
 * Bytes → text. UTF-8 (BOM dropped) is the norm; UTF-16 with a BOM is accepted because
 * PowerShell 5 `>` writes it. Anything that is not clean text is not a catalog.
 */
export function decodeCatalogText(bytes: Uint8Array): string {
  const decoder = new CatalogTextDecoder();
  decoder.push(bytes);
  return decoder.end();
}

/**
 * decodeCatalogText a chunk at a time, as the bytes arrive: a 30 MB list is decoded and checked
 * in pieces instead of in one long step at the end.
 */
export class CatalogTextDecoder {
  private decoder: TextDecoder | undefined;
  /** the first byte, while the second (which completes a UTF-16 BOM) has not come yet */
  private pending: Uint8Array | undefined;
  private readonly parts: string[] = [];

  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.pending) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
      this.pending = undefined;
    }
    if (this.decoder === undefined) {
      if (bytes.length < 2) {
        this.pending = bytes;
        return;
      }
      this.decoder = new TextDecoder(encodingOf(bytes), { fatal: true });
    }
    this.add(() => this.decoder?.decode(bytes, { stream: true }) ?? "");
  }

  end(): string {
    const last = this.pending;
    this.pending = undefined;
    const decoder =
      this.decoder ?? new TextDecoder(encodingOf(last ?? new Uint8Array()), { fatal: true });
    this.add(() => decoder.decode(last));
    return this.parts.join("");
  }

  private add(decode: () => string): void {
    let text: string;
    try {
      text = decode();
    } catch {
      throw new NotACatalogError("binary data (not text, gzip or tar)");
    }
    if (hasControlCharacters(text)) {
      throw new NotACatalogError("binary data (not text, gzip or tar)");
    }
    this.parts.push(text);
  }
}

function encodingOf(bytes: Uint8Array): string {
  return bytes[0] === 0xff && bytes[1] === 0xfe
    ? "utf-16le"
    : bytes[0] === 0xfe && bytes[1] === 0xff
      ? "utf-16be"
      : "utf-8";
}

/** NUL and other C0 controls (except tab, LF, FF, CR) never appear in a text catalog. */
function hasControlCharacters(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return /[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(text);
}
