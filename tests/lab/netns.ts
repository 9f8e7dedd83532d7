import { readdirSync } from "node:fs";
import { run, tryRun } from "./proc";
import { waitFor } from "./wait";

/** Create a network namespace with only loopback up: no routes, so anything upstream is unreachable. */
export async function createNetns(name: string): Promise<void> {
  await run("ip", ["netns", "add", name]);
  await run("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
}

/** Argument prefix that runs a command inside `name` (ip netns exec execs in place, no fork). */
export function inNetns(name: string, cmd: string, args: string[]): [string, string[]] {
  return ["ip", ["netns", "exec", name, cmd, ...args]];
}

export async function netnsPids(name: string): Promise<number[]> {
  const out = await run("ip", ["netns", "pids", name]).catch(() => "");
  return out
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** Kill whatever still runs in the namespace (by pid), wait for it to go, then delete it. */
export async function deleteNetns(name: string): Promise<void> {
  if (!listNetns().includes(name)) return;
  for (const pid of await netnsPids(name)) killPid(pid);
  await waitFor("namespace processes to exit", async () => (await netnsPids(name)).length === 0, {
    timeoutMs: 5_000,
  }).catch(() => undefined);
  await tryRun("ip", ["netns", "delete", name]);
}

export function listNetns(): string[] {
  try {
    return readdirSync("/run/netns");
  } catch {
    return [];
  }
}

export function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
