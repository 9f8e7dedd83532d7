import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteNetns, killPid, listNetns } from "./netns";
import { tryRun } from "./proc";

/**
 * Every lab resource is named `k0lab-<pid>-<starttime>-…` after the test process that owns it,
 * so a later run can tell a crashed run's leftovers (owner gone) from a concurrent live run.
 */
export const LAB_PREFIX = "k0lab-";
const OWNER = /^k0lab-(\d+)-([0-9a-z]+)/;

export interface LabRun {
  id: string;
  /** state directory (short path under the OS temp dir: unix socket paths must stay < 108 bytes) */
  dir: string;
  /** a fresh subdirectory of the state directory */
  mkdir(name: string): string;
  /** a namespace name owned by this run; veth-style names must stay short, so keep `tag` short */
  netnsName(tag: string): string;
  /** remove the state directory (kept when K0LAB_KEEP=1, for debugging) */
  dispose(): void;
}

export async function startLabRun(): Promise<LabRun> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the lab needs root (network namespaces, mounts): run the integration tests as root",
    );
  }
  await cleanupStaleLabState();
  const started = processStartTime(process.pid);
  if (!started) throw new Error("cannot read /proc/self/stat (the lab needs Linux /proc)");
  const id = `${LAB_PREFIX}${process.pid}-${started}`;
  const dir = join(tmpdir(), id);
  mkdirSync(dir, { recursive: true });
  let counter = 0;
  return {
    id,
    dir,
    mkdir(name) {
      counter += 1;
      const sub = join(dir, `${counter}-${name}`);
      mkdirSync(sub, { recursive: true });
      return sub;
    },
    netnsName: (tag) => `${id}-${tag}`,
    dispose() {
      if (process.env.K0LAB_KEEP === "1") {
        console.log(`K0LAB_KEEP=1: lab state kept in ${dir}`);
        return;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), base 36. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = fields[19];
    return ticks === undefined ? undefined : Number(ticks).toString(36);
  } catch {
    return undefined;
  }
}

/** True when `name` belongs to a lab run whose owning test process is gone. */
export function isStale(name: string): boolean {
  const match = OWNER.exec(name);
  if (!match) return false;
  const [, pid, start] = match;
  return processStartTime(Number(pid)) !== start;
}

/** Remove what a crashed earlier run left: namespaces (and their processes), processes, mounts, dirs. */
export async function cleanupStaleLabState(): Promise<void> {
  const staleNetns = listNetns().filter(isStale);
  const staleDirs = safeReaddir(tmpdir()).filter(isStale);
  // Trailing "/" so a stale k0lab-1-ab never matches a live k0lab-1-abc.
  const staleTokens = staleDirs.map((d) => `${join(tmpdir(), d)}/`);
  // Processes started from a stale state dir (e.g. a registry in the root namespace).
  for (const entry of safeReaddir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      continue;
    }
    if (staleTokens.some((token) => cmdline.includes(token))) killPid(Number(entry));
  }
  // Mounts under stale dirs, should any have leaked into this mount namespace.
  const mountPoints = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => staleTokens.some((token) => `${point}/`.startsWith(token)))
    .reverse();
  for (const point of mountPoints) await tryRun("umount", ["-l", point]);
  for (const name of staleNetns) await deleteNetns(name);
  for (const dir of staleDirs) rmSync(join(tmpdir(), dir), { recursive: true, force: true });
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
