import path from "node:path";
import { z } from "zod";

const EnvSchema = z.object({
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  CONSOLE_DATA_DIR: z.string().trim().min(1).default("./data"),
  CONSOLE_TOKEN: z
    .string()
    .trim()
    .min(16, "CONSOLE_TOKEN must be at least 16 characters")
    .regex(/^[\x21-\x7e]+$/, "CONSOLE_TOKEN must be printable ASCII without spaces")
    .optional(),
  CONSOLE_SSH_SESSIONS_PER_HOST: z.coerce.number().int().min(1).max(64).default(4),
  CONSOLE_SSH_KEYS_DIR: z.string().trim().min(1).optional(),
  CONSOLE_BUNDLES_DIR: z.string().trim().min(1).optional(),
});

export interface ConsoleEnv {
  host: string;
  port: number;
  dataDir: string;
  token: string | undefined;
  /** SSH connections open at once to one host, every run and check together */
  sshSessionsPerHost: number;
  /** the one folder an import may read keyPath files from; unset = none is read */
  sshKeysDir: string | undefined;
  /** the one folder a push may read bundles from by name; unset = none is read (upload only) */
  bundlesDir: string | undefined;
}

let cached: ConsoleEnv | undefined;

/** The console's settings, read from the environment and validated once. */
export function consoleEnv(): ConsoleEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

export function parseEnv(source: Record<string, string | undefined>): ConsoleEnv {
  const result = EnvSchema.safeParse(emptyAsUnset(source));
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`invalid console settings in the environment:\n  ${problems.join("\n  ")}`);
  }
  const env = result.data;
  return {
    host: env.HOST,
    port: env.PORT,
    dataDir: path.resolve(env.CONSOLE_DATA_DIR),
    token: env.CONSOLE_TOKEN,
    sshSessionsPerHost: env.CONSOLE_SSH_SESSIONS_PER_HOST,
    sshKeysDir: env.CONSOLE_SSH_KEYS_DIR && path.resolve(env.CONSOLE_SSH_KEYS_DIR),
    bundlesDir: env.CONSOLE_BUNDLES_DIR && path.resolve(env.CONSOLE_BUNDLES_DIR),
  };
}

function emptyAsUnset(source: Record<string, string | undefined>) {
  const keys = [
    "HOST",
    "PORT",
    "CONSOLE_DATA_DIR",
    "CONSOLE_TOKEN",
    "CONSOLE_SSH_SESSIONS_PER_HOST",
    "CONSOLE_SSH_KEYS_DIR",
    "CONSOLE_BUNDLES_DIR",
  ] as const;
  return Object.fromEntries(keys.map((key) => [key, source[key] === "" ? undefined : source[key]]));
}
