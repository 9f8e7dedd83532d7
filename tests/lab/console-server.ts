import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDaemon } from "./proc";
import { waitFor } from "./wait";

export interface RunningConsole {
  url: string;
  token: string;
  dataDir: string;
  logTail(): string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..", "..");

/** Serves the built console (`next build` ran first: tests/run.sh does it) on a free loopback port. */
export async function startConsole(): Promise<RunningConsole> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "console-data-"));
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
    token,
    dataDir,
    logTail: () => daemon.logTail(),
    async stop() {
      await daemon.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
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
