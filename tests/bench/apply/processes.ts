import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

/** Process groups this bench started (xargs + ssh, ansible-playbook + workers), for the teardown. */
const groups = new Set<number>();

export interface Finished {
  code: number | string | null;
  ms: number;
}

/**
 * Starts `cmd` in a process group of its own (so a stuck run is killed whole) and resolves when
 * it has exited; after `timeoutMs` the group is killed.
 */
export function runGroup(
  cmd: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number; onSpawn?: (child: ChildProcess) => void },
): Promise<Finished> {
  const { timeoutMs, onSpawn, ...spawnOptions } = options;
  const start = performance.now();
  const child = spawn(cmd, args, { ...spawnOptions, detached: true });
  const pid = child.pid;
  if (pid !== undefined) groups.add(pid);
  onSpawn?.(child);
  const timer = setTimeout(() => killGroup(pid), timeoutMs);
  return new Promise<Finished>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? signal, ms: performance.now() - start }),
    );
  }).finally(() => {
    clearTimeout(timer);
    if (pid !== undefined) groups.delete(pid);
  });
}

function killGroup(pid: number | undefined) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone
  }
}

/** Kills every group still running (teardown on an error or a signal). */
export function killGroups(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
}
