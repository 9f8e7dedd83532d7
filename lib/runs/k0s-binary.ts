import type { Readable } from "node:stream";
import { isSha256 } from "@/lib/binaries/names";
import { getBinary, openBinaryFile, type StoredBinary } from "@/lib/binaries/store";
import type { Database } from "@/lib/inventory/db";
import { RunInputError } from "./errors";

/**
 * The k0s binary an apply uploads from the console's store: streamed to each node that lacks it
 * (never held in memory whole), its size and sha256 checked on the node before it is renamed.
 */
export interface K0sBinary {
  /** what the log calls it: version and uploaded name */
  label: string;
  sha256: string;
  size: number;
  /** a fresh stream of the file, for one node */
  open(): Readable;
  /** as stored: the k0s version read from the file, and its architecture (null for a script) */
  version: string;
  arch: string | null;
}

export const K0S_INSTALL_PATH = "/usr/local/bin/k0s";

/**
 * The stored binary a run names. Only a sha256 of the store is accepted: the message for anything
 * else is the same whatever it is, so it says nothing about the console machine's files.
 */
export function storedK0sBinary(db: Database, ref: string): StoredBinary {
  const sha256 = ref.toLowerCase();
  if (!isSha256(sha256))
    throw new RunInputError(
      "k0sBinary must be the sha256 of an uploaded binary: upload it with POST /api/binaries",
    );
  const binary = getBinary({ db, sha256 });
  if (!binary)
    throw new RunInputError(
      `k0sBinary: no uploaded binary has sha256 ${sha256}: upload it with POST /api/binaries`,
    );
  return binary;
}

export function loadK0sBinary(db: Database, ref: string): K0sBinary {
  const binary = storedK0sBinary(db, ref);
  const { sha256, size } = binary;
  const damaged = () =>
    new RunInputError(
      `k0sBinary: the stored file of ${sha256} is missing or damaged: delete it and upload it again`,
    );
  const found = openBinaryFile({ db, sha256 });
  found?.stream.destroy();
  if (found?.size !== size) throw damaged();
  return {
    label: `${binary.name} (k0s ${binary.version})`,
    sha256,
    size,
    version: binary.version,
    arch: binary.arch,
    open() {
      const opened = openBinaryFile({ db, sha256 });
      if (opened?.size !== size) throw damaged();
      return opened.stream;
    },
  };
}
