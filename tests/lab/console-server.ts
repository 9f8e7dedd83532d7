import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDaemon } from "./proc";
import { waitFor } from "./wait";

export interface RunningConsole {
  url: string;
  /** the server process (for its memory: /proc/<pid>/status) */
  pid: number;
  token: string;
  dataDir: string;
  logTail(): string;
  /**
   * stops the server (SIGTERM, SIGKILL after 5 s); its data folder is removed unless `keepData`
   * (to start it again on it); resolves to how the process ended
   */
  stop(options?: { keepData?: boolean }): Promise<{ signal: NodeJS.Signals | null }>;
  /** kills the server at once, as a crash would (the data folder stays) */
  kill(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..", "..");

/** Serves the built console (`next build` ran first: tests/run.sh does it) on a free loopback port. */
export async function startConsole(options: { dataDir?: string } = {}): Promise<RunningConsole> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "console-data-"));
  const port = await freePort();
  const token = "e2e-test-token-0123456789";
  process.env.CONSOLE_TOKEN = token;
  process.env.CONSOLE_DATA_DIR = dataDir;
  const daemon = startDaemon(
    "console",
    process.execPath,
    [
      path.join(ROOT, "node_modules/next/dist/bin/next"),
      "start",
      "-H",
      "127.0.0.1",
      "-p",
      String(port),
    ],
    path.join(dataDir, "console.log"),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "the console to answer /api/health",
    async () => (await fetch(`${url}/api/health`)).ok,
    {
      timeoutMs: 30_000,
      describe: () => daemon.logTail(),
    },
  );
  return {
    url,
    pid: daemon.pid,
    token,
    dataDir,
    logTail: () => daemon.logTail(),
    async stop({ keepData = false } = {}) {
      await daemon.stop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return { signal: (await daemon.exited).signal };
    },
    kill: () => daemon.stop(0),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
