/**
 * What misbehaving clients can make the built console hold (issue 9), on a data folder seeded
 * with a 100,000-line run, 2,000 nodes and 1,000 registries. Figures of the console process
 * (its RSS and CPU from /proc), /api/health probed from a process of its own meanwhile. The
 * reference is the console before the hardening, as measured when the holes were reported.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type RunningConsole, startConsole } from "../lab/console-server";
import {
  asLowPriorityClients,
  drain,
  get,
  LINES,
  MiB,
  NODES,
  REGISTRIES,
  RUN,
  seedLoadData,
  watch,
} from "../lab/load-harness";
import { doubleGzipBomb } from "../security/gzip-bomb";
import type { Figure } from "./measure";

const READERS = 200;
const IDLE_CLIENTS = 100;
const ROOT = path.resolve(__dirname, "..", "..");

async function sseReaders(server: RunningConsole): Promise<Figure> {
  const watcher = watch(server);
  await asLowPriorityClients(() =>
    Promise.all(
      Array.from({ length: READERS }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(i / 10) * 50));
        return drain(await get(server, `/api/runs/${RUN}/events`), "\nid: ");
      }),
    ),
  );
  const figures = await watcher.stop();
  return {
    name: `${READERS} SSE readers × ${LINES / 1000}k lines`,
    value: `/api/health p99 ${figures.p99Ms.toFixed(0)} ms`,
    target: "p99 < 100 ms, RSS < 400 MiB",
    peakRssMiB: Math.round(figures.maxRssMiB),
    note: "before the hardening: /api/health unanswered for 65 s",
  };
}

async function idleClients(server: RunningConsole): Promise<Figure> {
  const watcher = watch(server);
  const { port } = new URL(server.url);
  const sockets = await Promise.all(
    Array.from(
      { length: IDLE_CLIENTS },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(Number(port), "127.0.0.1", () => {
            socket.write(
              `GET /api/runs/${RUN}/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${server.token}\r\n\r\n`,
            );
            socket.pause();
            resolve(socket);
          });
          socket.once("error", reject);
        }),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  const figures = await watcher.stop();
  for (const socket of sockets) socket.destroy();
  return {
    name: `${IDLE_CLIENTS} SSE clients that never read`,
    value: `RSS ${figures.maxRssMiB.toFixed(0)} MiB`,
    target: "< 400 MiB",
    peakRssMiB: Math.round(figures.maxRssMiB),
    note: "before the hardening: 2.3 GiB",
  };
}

async function k0sctlExport(server: RunningConsole): Promise<Figure> {
  const watcher = watch(server);
  const started = performance.now();
  const result = await drain(
    await get(server, "/api/nodes/export?format=k0sctl"),
    "\n    - role: ",
  );
  const seconds = (performance.now() - started) / 1000;
  const figures = await watcher.stop();
  return {
    name: `k0sctl export ${NODES} nodes × ${REGISTRIES} registries`,
    value: `${(result.bytes / MiB).toFixed(0)} MiB in ${seconds.toFixed(1)} s`,
    target: "streams, RSS < 300 MiB",
    peakRssMiB: Math.round(figures.maxRssMiB),
    note: "before the hardening: 3.1 GiB, then a 500 after 78 s",
  };
}

async function gzipBomb(server: RunningConsole): Promise<Figure> {
  const watcher = watch(server);
  const bomb = doubleGzipBomb();
  const started = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    const request = http.request(`${server.url}/api/catalog`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-length": String(bomb.length) },
    });
    request.once("response", (response) => {
      response.resume().once("end", () => resolve(response.statusCode ?? 0));
    });
    request.once("error", reject);
    request.end(bomb);
  });
  const ms = performance.now() - started;
  const figures = await watcher.stop();
  return {
    name: `double-gzip bomb (${(bomb.length / 1024).toFixed(1)} KiB, 8 GiB inside)`,
    value: `${status} in ${ms.toFixed(0)} ms, ${figures.cpuSeconds.toFixed(2)} s CPU`,
    target: "refused < 1 s",
    peakRssMiB: Math.round(figures.maxRssMiB),
    note: "before the hardening: 62 s of CPU, going on after the client left",
  };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    const build = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"],
      {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    if (build.status !== 0) throw new Error("next build failed");
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-hardening-"));
  const figures: Figure[] = [];
  try {
    seedLoadData(dataDir);
    console.error("hardening: data seeded");
    // a fresh console for each figure: one scenario's heap is not the next one's
    for (const scenario of [sseReaders, idleClients, k0sctlExport, gzipBomb]) {
      const server = await startConsole({ dataDir });
      try {
        for (let i = 0; i < 20; i += 1) await (await fetch(`${server.url}/api/health`)).text();
        figures.push(await scenario(server));
        console.error(`hardening: ${figures.at(-1)?.name}: ${figures.at(-1)?.value}`);
      } finally {
        await server.stop({ keepData: true });
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(figures));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
