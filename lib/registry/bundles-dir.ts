/**
 * The one folder (CONSOLE_BUNDLES_DIR) a push may read bundles from by name: a request names a
 * file or directory inside it, never an arbitrary file of the console machine. Names are checked
 * for shape, the path's real location must stay inside the folder, and the named entry must not
 * be a symbolic link (the engine follows none below it either). Server-only.
 */
import { constants } from "node:fs";
import { lstat, open, readdir, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { AppError } from "@/lib/errors";
import { HIDDEN_CONTROLS } from "@/lib/inventory/fields";
import { openKeysFolder } from "@/lib/inventory/key-folder";

/** The one answer for every name that is not a bundle of the folder: it says nothing of the machine. */
export const NOT_IN_BUNDLES_DIR =
  "source: not a bundle in the console's bundles folder (CONSOLE_BUNDLES_DIR): choose one from GET /api/registry/bundles";

export interface BundleEntry {
  /** its name inside the folder: what a push names as its source */
  name: string;
  kind: "file" | "directory";
  /** bytes of a file; null for a directory */
  size: number | null;
}

const MAX_LISTED = 1000;
const BUNDLE_FILE = /\.(tar|tar\.gz|tgz)$/;

function refused(): AppError {
  return new AppError("bad_request:bundle", NOT_IN_BUNDLES_DIR);
}

function noFolder(): AppError {
  return new AppError(
    "conflict:bundle",
    "no usable bundles folder: set CONSOLE_BUNDLES_DIR to the folder holding bundles (not /, the data folder, /proc, /sys or /dev), or upload the bundle",
  );
}

/** The files (.tar, .tar.gz, .tgz) and directories at the top of the folder, by name; null: no usable folder. */
export async function listBundles(
  dir: string | undefined,
  dataDir: string,
): Promise<BundleEntry[] | null> {
  const folder = openKeysFolder(dir, dataDir);
  if (!folder) return null;
  const entries = await readdir(folder.root, { withFileTypes: true }).catch(() => []);
  const listed: BundleEntry[] = [];
  for (const entry of entries.slice(0, MAX_LISTED)) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) listed.push({ name: entry.name, kind: "directory", size: null });
    else if (entry.isFile() && BUNDLE_FILE.test(entry.name)) {
      const { size } = await lstat(join(folder.root, entry.name));
      listed.push({ name: entry.name, kind: "file", size });
    }
  }
  return listed.sort((a, b) => a.name.localeCompare(b.name));
}

/** A plain relative name: no absolute path, no "..", no empty or hidden segment, no control characters. */
export function isBundleName(name: string): boolean {
  if (name.length === 0 || name.length > 1024 || HIDDEN_CONTROLS.test(name) || name.includes("\\"))
    return false;
  return name.split("/").every((part) => part !== "" && !part.startsWith("."));
}

/**
 * The real path of bundle `name` in folder `dir`; refused (one fixed message) when the name is
 * not a plain relative name, the entry does not exist, is a symbolic link, or lies outside.
 */
export async function resolveBundle(
  dir: string | undefined,
  name: string,
  dataDir: string,
): Promise<string> {
  // the same rules as the keys folder: never "/", the data folder, /proc, /sys or /dev
  const folder = openKeysFolder(dir, dataDir);
  if (!folder) throw noFolder();
  if (!isBundleName(name)) throw refused();
  const { root } = folder;
  const named = join(root, name);
  const info = await lstat(named).catch(() => undefined);
  if (!info || info.isSymbolicLink() || !(info.isFile() || info.isDirectory())) throw refused();
  const real = await realpath(named).catch(() => undefined);
  if (!real?.startsWith(root + sep)) throw refused();
  if (folder.excluded.some((excluded) => real === excluded || real.startsWith(excluded + sep)))
    throw refused();
  // opened without following a link: what was checked is what is read
  const flags =
    constants.O_RDONLY | constants.O_NOFOLLOW | (info.isDirectory() ? constants.O_DIRECTORY : 0);
  const handle = await open(real, flags).catch(() => undefined);
  if (!handle) throw refused();
  await handle.close();
  return real;
}
