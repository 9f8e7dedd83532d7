import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureDataDir } from "@/lib/data-dir";
import type { ConsoleEnv } from "@/lib/env";

const TOKEN_FILE_NAME = "console-token";

export interface ConsoleTokenSource {
  token: string;
  /** "environment": CONSOLE_TOKEN; "file": read from `file`; "generated": just written to `file` */
  origin: "environment" | "file" | "generated";
  file: string;
}

/**
 * The console token: CONSOLE_TOKEN when set, otherwise generated once and kept in the data
 * folder with mode 0600 so only the console's user can read it.
 */
export function consoleToken(env: ConsoleEnv): string {
  if (env.token) return env.token;
  const known = tokenByDataDir.get(env.dataDir);
  if (known !== undefined) return known;
  const { token } = loadConsoleToken(env);
  tokenByDataDir.set(env.dataDir, token);
  return token;
}

/** Read once per process: every request checks the token. */
const tokenByDataDir = new Map<string, string>();

/** The token and where it came from (the launcher prints it only when it was just generated). */
export function loadConsoleToken(env: ConsoleEnv): ConsoleTokenSource {
  const file = path.join(env.dataDir, TOKEN_FILE_NAME);
  if (env.token) return { token: env.token, origin: "environment", file };
  ensureDataDir(env.dataDir);
  try {
    return { token: readFileSync(file, "utf8").trim(), origin: "file", file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const token = randomBytes(32).toString("base64url");
  // "wx": if two processes race, the second fails instead of overwriting the first one's token.
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { token, origin: "generated", file };
}
