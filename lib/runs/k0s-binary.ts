import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { RunInputError } from "./errors";

/** The k0s binary an apply uploads: read once from the console machine, hashed for the node's check. */
export interface K0sBinary {
  source: string;
  content: Buffer;
  sha256: string;
}

export const K0S_INSTALL_PATH = "/usr/local/bin/k0s";
const MAX_BYTES = 1024 ** 3;

export function loadK0sBinary(source: string): K0sBinary {
  if (!path.isAbsolute(source))
    throw new RunInputError(
      `k0sBinary: "${source}" must be an absolute path on the console machine`,
    );
  const stats = statSync(source, { throwIfNoEntry: false });
  if (!stats?.isFile()) throw new RunInputError(`k0sBinary: no file at ${source}`);
  if (stats.size > MAX_BYTES) throw new RunInputError(`k0sBinary: ${source} is larger than 1 GiB`);
  const content = readFileSync(source);
  return { source, content, sha256: createHash("sha256").update(content).digest("hex") };
}
