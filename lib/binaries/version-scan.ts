/**
 * Finds the k0s version a binary carries (pure): k0s embeds its version as text, e.g.
 * `v1.32.8+k0s.0` (the stand-in bakes it into its second line). The bytes are scanned as they
 * stream past; a version cut by a chunk boundary is found whole in the next pass.
 */

/** `v1.32.8+k0s.0`, `v1.31.1-rc.0+k0s.0`: standing alone, not inside a longer word */
const K0S_VERSION =
  /(?<![0-9A-Za-z.+-])v\d{1,4}\.\d{1,4}\.\d{1,4}(?:-[0-9A-Za-z.]{1,32})?\+k0s\.\d{1,4}(?![0-9A-Za-z])/g;

/** longer than the longest match, so a match cut at a boundary is still whole in the carried tail */
const CARRY = 80;

/** Reads chunks in order; `version` is the first k0s version string in the bytes seen so far. */
export class K0sVersionScanner {
  private tail = "";
  /** the tail's first character had a predecessor, which the lookbehind can no longer see */
  private cut = false;
  /** one character per byte */
  private decoder = new TextDecoder("latin1");
  version: string | null = null;

  push(chunk: Uint8Array): void {
    if (this.version !== null) return;
    this.scan(this.tail + this.decoder.decode(chunk), false);
  }

  /** The version, once every chunk was pushed. */
  finish(): string | null {
    if (this.version === null) this.scan(this.tail, true);
    return this.version;
  }

  private scan(text: string, last: boolean): void {
    for (const match of text.matchAll(K0S_VERSION)) {
      // a match that touches the end may go on in the next chunk: decided in the next pass
      if (!last && match.index + match[0].length >= text.length) break;
      // at the cut, the lookbehind sees nothing; a match there lay whole in the last pass
      if (this.cut && match.index === 0) continue;
      this.version = match[0];
      return;
    }
    this.cut = text.length > CARRY || this.cut;
    this.tail = text.slice(-CARRY);
  }
}

/** The first k0s version string in `bytes`, or null. */
export function findK0sVersion(bytes: Uint8Array): string | null {
  const scanner = new K0sVersionScanner();
  scanner.push(bytes);
  return scanner.finish();
}
