import { strToU8, Zip, ZipPassThrough } from "fflate";

export interface ZipEntry {
  /** path inside the zip, no leading slash */
  name: string;
  /** octal string, e.g. "0644" */
  mode: string;
  content: string;
}

/** Unix file type "regular file", in the upper half of a zip entry's external attributes. */
const REGULAR_FILE = 0o100000;
const UNIX = 3;

/**
 * Streams a zip. Entries are stored, not deflated: the files are a few hundred bytes each, where
 * per-entry deflate setup costs far more time than it saves in size.
 * each pull from the reader compresses the next group of entries, so a large
 * fleet's bundle never sits in memory whole.
 */
export function zipStream(groups: Iterable<ZipEntry[]>, mtime: Date): ReadableStream<Uint8Array> {
  const iterator = groups[Symbol.iterator]();
  let zip: Zip;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error);
        controller.enqueue(chunk);
        if (final) controller.close();
      });
    },
    pull() {
      const next = iterator.next();
      if (next.done) return zip.end();
      for (const entry of next.value) addEntry(zip, entry, mtime);
    },
  });
}

function addEntry(zip: Zip, entry: ZipEntry, mtime: Date): void {
  const file = new ZipPassThrough(entry.name);
  file.mtime = mtime;
  file.os = UNIX;
  file.attrs = (REGULAR_FILE | Number.parseInt(entry.mode, 8)) * 0x10000;
  zip.add(file);
  file.push(strToU8(entry.content), true);
}
