/**
 * Where a key file an inventory names may be looked for inside the keys folder (pure). A keyPath
 * names a file on the machine the inventory was written on; the console only ever looks for it
 * among the files of its one keys folder: by the path relative to the home directory
 * ("~/.ssh/id_x" → ".ssh/id_x", then "id_x") and by its base name. A path with ".." in it, a
 * control character or nothing usable gives no candidates: the same answer as a file not found.
 */
const SEGMENT = /^[A-Za-z0-9._@+-]+$/;
const MAX_KEY_PATH = 1024;

export function keyPathCandidates(keyPath: string): string[] {
  const trimmed = keyPath.trim();
  // control characters and spaces fail SEGMENT below
  if (!trimmed || trimmed.length > MAX_KEY_PATH) return [];
  const segments = trimmed.replace(/\\/g, "/").split("/");
  if (segments.some((segment) => segment === "..")) return [];
  const named = segments.filter((segment) => segment !== "" && segment !== ".");
  const candidates: string[][] = [];
  // relative to the home (~/…) or to the inventory (./…, a/b): a relative path inside the folder
  const absolute = trimmed.startsWith("/") || /^[A-Za-z]:/.test(trimmed);
  if (!absolute) {
    const relative = named[0] === "~" ? named.slice(1) : named;
    candidates.push(relative);
    if (relative[0] === ".ssh") candidates.push(relative.slice(1));
  }
  candidates.push(named.slice(-1));
  const usable = candidates.filter(
    (parts) => parts.length > 0 && parts.every((part) => SEGMENT.test(part)),
  );
  return [...new Set(usable.map((parts) => parts.join("/")))];
}

/** The one answer for a key file not read: never says whether a path exists outside the folder. */
export function keyNotInFolder(label: string, keyPath: string): string {
  return `${label} ${keyPath}: no such key in the keys folder (CONSOLE_SSH_KEYS_DIR): copy it there or upload the key`;
}

export function keysFolderUnset(label: string, keyPath: string): string {
  return `${label} ${keyPath}: upload the key or set CONSOLE_SSH_KEYS_DIR`;
}
