import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ConsoleEnv } from "@/lib/env";

export const TOKEN_FILE_NAME = "console-token";

/**
 * The console token: CONSOLE_TOKEN when set, otherwise generated once and kept in the data
 * folder with mode 0600 so only the console's user can read it.
 */
export function consoleToken(env: ConsoleEnv): string {
  if (env.token) return env.token;
  const file = path.join(env.dataDir, TOKEN_FILE_NAME);
  mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const token = randomBytes(32).toString("base64url");
  // "wx": if two processes race, the second fails instead of overwriting the first one's token.
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return token;
}
