import type { ByteSource } from "./byte-source";
import { CatalogTooLargeError, NotACatalogError } from "./errors";

/**
 * A streaming tar reader (POSIX ustar, PAX and GNU long names). Members are skipped without
 * being buffered unless `keep(name)` asks for their bytes — enough for multi-GB bundles.
 */

export interface TarMember {
  /** path inside the archive, without a leading "./" */
  name: string;
  size: number;
  /** 1-based position among the archive's files */
  ordinal: number;
  /** the member's bytes, when `keep` wanted them */
  data?: Uint8Array;
}

const blockSize = 512;
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** A tar header: ustar magic at 257, or at least a checksum that adds up (old v7 tars). */
export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < blockSize || head.every((b) => b === 0)) return false;
  return latin1.decode(head.subarray(257, 262)) === "ustar" || checksumMatches(head);
}

export async function* readTarMembers(
  source: ByteSource,
  keep: (name: string) => boolean,
  maxKeepBytes: number,
): AsyncGenerator<TarMember> {
  for await (const entry of readTarEntries(source, maxKeepBytes)) {
    const { name, size, ordinal } = entry;
    if (!keep(name)) {
      yield { name, size, ordinal };
      continue;
    }
    if (size > maxKeepBytes) throw new CatalogTooLargeError(maxKeepBytes);
    yield { name, size, ordinal, data: await entry.body.read(size) };
  }
}

/** A file of the archive whose bytes are read as they stream. */
export interface TarEntry {
  /** path inside the archive, without a leading "./" */
  name: string;
  size: number;
  /** 1-based position among the archive's files */
  ordinal: number;
  /** the member's bytes; whatever is left unread is skipped when the iteration goes on */
  body: ByteSource;
}

/**
 * The archive's regular files, each with its bytes as a source of its own (never buffered whole:
 * a member of many GB streams through). `maxHeaderBytes` bounds PAX and GNU long-name records.
 */
export async function* readTarEntries(
  source: ByteSource,
  maxHeaderBytes: number,
): AsyncGenerator<TarEntry> {
  let ordinal = 0;
  let longName: string | undefined;
  let pax: Map<string, string> | undefined;
  for (;;) {
    const header = await source.read(blockSize);
    if (header.length < blockSize || header.every((b) => b === 0)) return; // end (or a cut-off archive)
    if (!checksumMatches(header)) {
      throw new NotACatalogError(
        `a damaged tar archive (bad header checksum after ${ordinal} files)`,
      );
    }
    const type = String.fromCharCode(header[156] ?? 0);
    const paxSize = pax?.get("size");
    const size = paxSize !== undefined ? Number(paxSize) : headerSize(header);
    const padded = Math.ceil(size / blockSize) * blockSize;

    if (type === "g" || type === "K") {
      await source.skip(padded); // global PAX defaults and GNU long link targets: not needed
      continue;
    }
    if (type === "x" || type === "L") {
      if (size > maxHeaderBytes) throw new CatalogTooLargeError(maxHeaderBytes);
      const data = await source.read(size);
      await source.skip(padded - size);
      if (type === "x") pax = parsePax(data);
      else longName = cString(utf8, data);
      continue;
    }
    const name = (pax?.get("path") ?? longName ?? headerName(header)).replace(/^(\.\/)+/, "");
    longName = undefined;
    pax = undefined;

    const isFile = type === "0" || type === "\0" || type === "7";
    if (!isFile) {
      await source.skip(padded);
      continue;
    }
    ordinal++;
    const body = source.take(size);
    yield { name, size, ordinal, body: body.source };
    await source.skip(body.left() + (padded - size));
  }
}

function checksumMatches(header: Uint8Array): boolean {
  const stored = parseOctal(header.subarray(148, 156));
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < blockSize; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function headerName(header: Uint8Array): string {
  const name = cString(utf8, header.subarray(0, 100));
  // Only POSIX ustar ("ustar\0") uses the prefix field; GNU ("ustar  ") keeps other data there.
  const isPosix = latin1.decode(header.subarray(257, 263)) === "ustar\0";
  const prefix = isPosix ? cString(utf8, header.subarray(345, 500)) : "";
  return prefix === "" ? name : `${prefix}/${name}`;
}

/** Size field: octal text, or GNU base-256 (high bit set) for members of 8 GiB and more. */
function headerSize(header: Uint8Array): number {
  const field = header.subarray(124, 136);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  return parseOctal(field) ?? 0;
}

function parseOctal(field: Uint8Array): number | undefined {
  const text = latin1.decode(field).replace(/\0.*$/s, "").trim();
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined;
}

/** PAX records: "<length> <key>=<value>\n", the length counted in bytes. */
function parsePax(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const length =
      space === -1 ? Number.NaN : Number.parseInt(latin1.decode(data.subarray(pos, space)), 10);
    if (!(length > 0)) break;
    const record = utf8.decode(data.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf("=");
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

function cString(decoder: TextDecoder, bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
}
