/**
 * The one folder of the console machine an import may read SSH keys from (CONSOLE_SSH_KEYS_DIR).
 * A key is read only when its real path (symlinks resolved) lies inside that folder and outside
 * the data folder and the kernel's /proc, /sys and /dev; anything else is "not found", so no
 * answer tells whether a path outside the folder exists.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";

/** larger than any private key: a bigger file is not one */
const MAX_KEY_BYTES = 64 * 1024;
const SYSTEM_FOLDERS = ["/proc", "/sys", "/dev"];

export interface KeysFolder {
  /** real path of the folder */
  root: string;
  /** real paths never read, even when inside root */
  excluded: string[];
}

export interface KeyFile {
  /** path inside the folder, shown in the preview */
  relativePath: string;
  text: string;
}

/** The keys folder, or null when unset, missing, or a system, root or data folder. */
export function openKeysFolder(dir: string | undefined, dataDir: string): KeysFolder | null {
  if (!dir) return null;
  const root = realPath(dir);
  const excluded = [realPath(dataDir) ?? path.resolve(dataDir), ...SYSTEM_FOLDERS];
  if (!root || root === "/" || excluded.some((folder) => isInside(folder, root))) return null;
  return { root, excluded };
}

/** The first candidate (paths relative to the folder) that is a readable key file in it. */
export function readKeyFile(folder: KeysFolder, candidates: string[]): KeyFile | null {
  for (const candidate of candidates) {
    const found = readCandidate(folder, candidate);
    if (found) return found;
  }
  return null;
}

function readCandidate(folder: KeysFolder, relative: string): KeyFile | null {
  if (path.isAbsolute(relative)) return null;
  const real = realPath(path.join(folder.root, relative));
  if (!real || !isInside(folder.root, real)) return null;
  if (folder.excluded.some((excluded) => isInside(excluded, real))) return null;
  let fd: number;
  try {
    // O_NOFOLLOW: a link swapped in after realpath is not followed; O_NONBLOCK: a FIFO never hangs
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_KEY_BYTES) return null;
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    const text = buffer.subarray(0, read).toString("utf8");
    return { relativePath: path.relative(folder.root, real), text };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function realPath(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative === "" ||
    (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}
