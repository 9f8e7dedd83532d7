/**
 * What the load tests and the hardening bench share: a data folder seeded with a 100,000-line run,
 * 2,000 nodes and 1,000 registries, and a watcher of the console's memory, CPU and /api/health.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { getPriority, setPriority } from "node:os";
import { openDatabase } from "@/lib/inventory/db";
import { createNode } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";
import { putFleetSettings } from "@/lib/inventory/settings";
import { appendEvents, createRun, finishRun } from "@/lib/runs/store";
import type { NewEvent } from "@/lib/runs/types";
import type { RunningConsole } from "./console-server";

export const MiB = 1024 ** 2;
export const RUN = "load-run-100k";
export const LINES = 100_000;
export const NODES = 2_000;
export const REGISTRIES = 1_000;

/** A finished 100,000-line run, 2,000 nodes and 1,000 registries, written before the console starts. */
export function seedLoadData(dataDir: string): void {
  const db = openDatabase(dataDir);
  const key = loadSecretKey(dataDir);
  try {
    createRun({
      db,
      run: {
        id: RUN,
        action: "plan",
        status: "running",
        startedBy: "load test",
        inputs: {},
        createdAt: new Date().toISOString(),
      },
      nodes: ["n1", "n2"],
    });
    const at = new Date().toISOString();
    for (let start = 0; start < LINES; start += 10_000) {
      const page: NewEvent[] = [];
      for (let i = start; i < start + 10_000; i += 1) {
        const line = `line ${i}: pulling layer sha256:${i.toString(16).padStart(64, "0")}`;
        page.push({
          type: "line",
          runId: RUN,
          node: i % 2 ? "n2" : "n1",
          stream: "stdout",
          line,
          at,
        });
      }
      appendEvents(db, page);
    }
    finishRun({ db, id: RUN, status: "succeeded" });
    putFleetSettings({
      db,
      settings: {
        k0sVersion: "1.35.7",
        registries: Array.from({ length: REGISTRIES }, (_, i) => `registry-${i}.example.com`),
        mirror: { address: "10.0.0.5:5000", scheme: "http" },
      },
    });
    db.transaction(() => {
      for (let i = 0; i < NODES; i += 1) {
        createNode({
          db,
          key,
          input: {
            name: `node-${i}`,
            address: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
            role: i < 3 ? "controller" : "worker",
            auth: { kind: "agent" },
          },
        });
      }
    })();
  } finally {
    db.close();
  }
}

/** Resident memory of the console process and any process it started, in bytes. */
export function rssBytes(pid: number): number {
  let total = 0;
  const visit = (id: number) => {
    try {
      const status = readFileSync(`/proc/${id}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      for (const task of readFileSync(`/proc/${id}/task/${id}/children`, "utf8").split(/\s+/))
        if (task) visit(Number(task));
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return total;
}

/**
 * Probes /api/health from a process of its own: the test's readers keep this process busy,
 * which must not count as the console's latency. Stops when its stdin closes, then prints the
 * latencies as JSON.
 */
const PROBE = `
const latencies = [];
let running = true;
process.stdin.on("data", () => {}).on("end", () => { running = false; });
(async () => {
  while (running) {
    const start = performance.now();
    const response = await fetch(process.argv[1]);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error("health answered " + response.status);
    latencies.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 20)); // pacing
  }
  process.stdout.write(JSON.stringify(latencies));
})();
`;

/** CPU seconds the console process has used so far (user + system). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ)
}

/** Samples the console's RSS and /api/health latency until stopped. */
export function watch(server: RunningConsole) {
  let maxRss = rssBytes(server.pid);
  const cpuAtStart = cpuSeconds(server.pid);
  const rssTimer = setInterval(() => {
    maxRss = Math.max(maxRss, rssBytes(server.pid));
  }, 100);
  const prober = spawn(process.execPath, ["-e", PROBE, `${server.url}/api/health`], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  prober.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const probed = new Promise<number[]>((resolve, reject) => {
    prober.once("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(output) as number[])
        : reject(new Error(`probe exited ${code}`)),
    );
  });
  return {
    async stop() {
      clearInterval(rssTimer);
      prober.stdin.end();
      const latencies = (await probed).sort((a, b) => a - b);
      maxRss = Math.max(maxRss, rssBytes(server.pid));
      const p99 =
        latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
      return {
        maxRssMiB: maxRss / MiB,
        p99Ms: p99,
        maxMs: latencies.at(-1) ?? 0,
        probes: latencies.length,
        cpuSeconds: cpuSeconds(server.pid) - cpuAtStart,
      };
    },
  };
}

/**
 * Runs `clients` with this test's main thread at a low CPU priority: on this shared 2-core machine
 * the readers stand in for browsers on other machines, and their CPU must not be the console's.
 */
export async function asLowPriorityClients<T>(clients: () => Promise<T>): Promise<T> {
  const before = getPriority();
  setPriority(10);
  try {
    return await clients();
  } finally {
    setPriority(before);
  }
}

export function get(
  consoleServer: RunningConsole,
  pathName: string,
  headers: Record<string, string> = {},
) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = http.get(`${consoleServer.url}${pathName}`, {
      headers: { authorization: `Bearer ${consoleServer.token}`, ...headers },
    });
    request.once("response", resolve).once("error", reject);
  });
}

/** Reads a stream to its end: its size, how many times `marker` occurs, and its last bytes. */
export function drain(response: http.IncomingMessage, marker: string) {
  return new Promise<{ bytes: number; count: number; tail: string }>((resolve, reject) => {
    let bytes = 0;
    let count = 0;
    // bytes, not text: the readers' own CPU competes with the console for this machine
    const needle = Buffer.from(marker);
    let carry: Buffer = Buffer.alloc(0);
    let tail: Buffer = Buffer.alloc(0);
    response.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      // markers that begin in the bytes before this chunk, then those inside this chunk
      const across = Buffer.concat([carry, chunk.subarray(0, needle.length - 1)]);
      for (
        let at = across.indexOf(needle);
        at !== -1 && at < carry.length;
        at = across.indexOf(needle, at + 1)
      )
        count += 1;
      for (let at = chunk.indexOf(needle); at !== -1; at = chunk.indexOf(needle, at + 1))
        count += 1;
      // the last bytes received, however small the chunks (a marker may span several)
      carry = Buffer.concat([carry, chunk]).subarray(-(needle.length - 1));
      tail = Buffer.concat([tail, chunk]).subarray(-400);
    });
    response.once("end", () => resolve({ bytes, count, tail: tail.toString("utf8") }));
    response.once("error", reject);
  });
}
