import { readdirSync } from "node:fs";
import { run, runWithInput, tryRun } from "./proc";
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

/**
 * Many `ip` commands in one process (`ip -batch -`), one per line without the leading "ip",
 * e.g. "link set lo up"; `netns` runs them all inside that namespace (`ip -n`). `force` keeps
 * going past failing lines (then only the exit status tells that one failed).
 */
export async function ipBatch(
  lines: readonly string[],
  options: { netns?: string; force?: boolean } = {},
): Promise<void> {
  const args = [
    ...(options.netns ? ["-n", options.netns] : []),
    ...(options.force ? ["-force"] : []),
    "-batch",
    "-",
  ];
  await runWithInput("ip", args, `${lines.join("\n")}\n`);
}

export interface LinkInfo {
  name: string;
  /** IFLA_IFALIAS: the lab stores the owning run's id there (link names are limited to 15 bytes) */
  alias: string | undefined;
}

export async function listLinks(netns?: string): Promise<LinkInfo[]> {
  const out = await run("ip", [...(netns ? ["-n", netns] : []), "-j", "link", "show"]);
  const links = JSON.parse(out || "[]") as { ifname: string; ifalias?: string }[];
  return links.map((link) => ({ name: link.ifname, alias: link.ifalias }));
}

/**
 * Delete root-namespace links named `<prefix>…` whose alias names a run that `isStale()` says is
 * gone. The alias is set right after the link is created (`ip link add` ignores it), so a link
 * without one is given a moment to get it before it counts as a crashed run's leftover.
 */
export async function deleteStaleLinks(
  prefix: string,
  isStale: (owner: string) => boolean,
): Promise<string[]> {
  const ours = (links: LinkInfo[]) => links.filter((link) => link.name.startsWith(prefix));
  let links = ours(await listLinks());
  if (links.some((link) => !link.alias)) {
    const unnamed = links.filter((link) => !link.alias).map((link) => link.name);
    links = await waitFor(
      "new lab links to get their owner alias",
      async () => {
        const now = ours(await listLinks());
        const pending = now.some((link) => !link.alias && unnamed.includes(link.name));
        return pending ? false : now;
      },
      { timeoutMs: 500, intervalMs: 25 },
    ).catch(async () => ours(await listLinks()));
  }
  const stale = links.filter((link) => !link.alias || isStale(link.alias));
  if (stale.length > 0) {
    // a veth may already be gone with its peer: keep going past failing lines
    await ipBatch(
      stale.map((link) => `link delete dev ${link.name}`),
      { force: true },
    ).catch(() => undefined);
  }
  return stale.map((link) => link.name);
}
