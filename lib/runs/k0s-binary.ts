import type { Readable } from "node:stream";
import { isSha256 } from "@/lib/binaries/names";
import { getBinary, openBinaryFile, type StoredBinary } from "@/lib/binaries/store";
import type { Database } from "@/lib/inventory/db";
import {
  type BinariesByArch,
  type BinaryInfo,
  type BinaryRequest,
  requestedBinaries,
} from "./binary-choice";
import { RunInputError } from "./errors";

/**
 * The k0s binary an apply uploads from the console's store: streamed to each node that lacks it
 * (never held in memory whole), its size and sha256 checked on the node before it is renamed.
 */
export interface K0sBinary extends BinaryInfo {
  /** what the log calls it: version and uploaded name */
  label: string;
  /** a fresh stream of the file, for one node */
  open(): Readable;
}

export const K0S_INSTALL_PATH = "/usr/local/bin/k0s";

/**
 * The stored binary a run names. Only a sha256 of the store is accepted: the message for anything
 * else is the same whatever it is, so it says nothing about the console machine's files.
 */
function storedK0sBinary(db: Database, field: string, ref: string): StoredBinary {
  const sha256 = ref.toLowerCase();
  if (!isSha256(sha256))
    throw new RunInputError(
      `${field} must be the sha256 of an uploaded binary: upload it with POST /api/binaries`,
    );
  const binary = getBinary({ db, sha256 });
  if (!binary)
    throw new RunInputError(
      `${field}: no uploaded binary has sha256 ${sha256}: upload it with POST /api/binaries`,
    );
  return binary;
}

/**
 * The stored binaries a run request names, by architecture (see requestedBinaries): checked
 * against the fleet's k0s version when `fleetVersion` is given.
 */
export function storedK0sBinaries(
  db: Database,
  request: BinaryRequest,
  fleetVersion: string | null,
): BinariesByArch<StoredBinary> {
  return requestedBinaries(request, (field, ref) => storedK0sBinary(db, field, ref), fleetVersion);
}

/** The files of the stored binaries, ready to stream (each checked to be whole). */
export function loadK0sBinaries(
  db: Database,
  stored: BinariesByArch<StoredBinary>,
): BinariesByArch<K0sBinary> {
  return Object.fromEntries(
    Object.entries(stored).map(([arch, binary]) => [arch, loadK0sBinary(db, binary)]),
  );
}

function loadK0sBinary(db: Database, binary: StoredBinary): K0sBinary {
  const { sha256, size } = binary;
  const damaged = () =>
    new RunInputError(
      `the stored file of the k0s binary ${sha256} is missing or damaged: delete it and upload it again`,
    );
  const found = openBinaryFile({ db, sha256 });
  found?.stream.destroy();
  if (found?.size !== size) throw damaged();
  return {
    label: `${binary.name} (k0s ${binary.version}, ${binary.arch ?? "script"})`,
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
