import { chmodSync, mkdirSync } from "node:fs";

/**
 * The data folder holds the token, the secret key and every credential: only the console's user
 * may enter it, whatever mode it had before (an existing 0755 folder is tightened to 0700).
 */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}
