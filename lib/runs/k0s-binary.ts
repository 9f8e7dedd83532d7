import { createHash } from "node:crypto";
import { isSha256 } from "@/lib/binaries/names";
import { getBinary, readBinaryFile, type StoredBinary } from "@/lib/binaries/store";
import type { Database } from "@/lib/inventory/db";
import { RunInputError } from "./errors";

/** The k0s binary an apply uploads: read once from the console's store, its sha256 checked. */
export interface K0sBinary {
  /** what the log calls it: version and uploaded name */
  label: string;
  content: Buffer;
  sha256: string;
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
  const content = readBinaryFile({ db, sha256: binary.sha256 });
  const sha256 = content && createHash("sha256").update(content).digest("hex");
  if (sha256 !== binary.sha256)
    throw new RunInputError(
      `k0sBinary: the stored file of ${binary.sha256} is ${content ? "damaged" : "missing"}: delete it and upload it again`,
    );
  return {
    label: `${binary.name} (k0s ${binary.version})`,
    content: content as Buffer,
    sha256,
    version: binary.version,
    arch: binary.arch,
  };
}
