/**
 * `npm start`: validate the settings, make sure a token exists, build the console when the
 * sources changed since the last build, then serve it and say where, and where the token is
 * (the token itself only on the start that generated it).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { type ConsoleTokenSource, loadConsoleToken } from "./auth/token-file";
import { ensureDataDir } from "./data-dir";
import { consoleEnv } from "./env";

const ROOT = path.resolve(__dirname, "..");
const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.js",
  "package.json",
  ".postcssrc.json",
];
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

function main(): void {
  process.env.NEXT_TELEMETRY_DISABLED = "1"; // nothing leaves an airgap
  const env = consoleEnv();
  ensureDataDir(env.dataDir);
  const token = loadConsoleToken(env);
  if (needsBuild()) {
    console.log("Building the console (first start, or the sources changed)…");
    const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const server = spawn(
    process.execPath,
    [NEXT_BIN, "start", "-H", env.host, "-p", String(env.port)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, CONSOLE_DATA_DIR: env.dataDir },
    },
  );
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /ready/i.test(chunk.toString())) {
      announced = true;
      console.log(startMessage(env.host, env.port, token));
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

/** What the launcher prints once the console is up: the token only when it was just made. */
export function startMessage(host: string, port: number, token: ConsoleTokenSource): string {
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const where = {
    environment: "the token is the CONSOLE_TOKEN you set",
    file: `the token is in ${token.file}`,
    generated: `token (generated now, kept in ${token.file}; not shown again): ${token.token}`,
  }[token.origin];
  return `\n  k0rdent airgap console: http://${shownHost}:${port}\n  ${where}\n`;
}

function needsBuild(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  return SOURCES.some((source) => newestChange(path.join(ROOT, source)) > builtAt);
}

function newestChange(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(target).reduce(
    (newest, entry) => Math.max(newest, newestChange(path.join(target, entry))),
    stats.mtimeMs,
  );
}

if (require.main === module) main();
