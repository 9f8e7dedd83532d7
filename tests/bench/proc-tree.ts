import { readFileSync } from "node:fs";

/**
 * Polls the process tree under `root` (/proc/<pid>/task/<pid>/children) for its summed RSS and
 * PSS (smaps_rollup), to compare the reference tools' memory with the console's.
 */
export function sampleTree(root: number, intervalMs = 20) {
  let peakRss = 0;
  let peakPss = 0;
  let peakProcesses = 0;
  const field = (text: string, name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  const poll = () => {
    let rss = 0;
    let pss = 0;
    let processes = 0;
    const stack = [root];
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      try {
        const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
        rss += field(rollup, "Rss");
        pss += field(rollup, "Pss");
        processes += 1;
        const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
        for (const child of children.split(" ").filter(Boolean)) stack.push(Number(child));
      } catch {
        // exited meanwhile
      }
    }
    peakRss = Math.max(peakRss, rss);
    peakPss = Math.max(peakPss, pss);
    peakProcesses = Math.max(peakProcesses, processes);
  };
  const timer = setInterval(poll, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return {
        rssMiB: Math.round(peakRss / 1024),
        pssMiB: Math.round(peakPss / 1024),
        processes: peakProcesses,
      };
    },
  };
}

export type TreeSample = ReturnType<ReturnType<typeof sampleTree>["stop"]>;

/**
 * CPU time used so far by these processes and their children that have been waited for (utime +
 * stime + cutime + cstime of /proc/<pid>/stat), in ms: for a test host's PID 1 (sshd), all the
 * work its connections did, once they have ended.
 */
export function treeCpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields from the 3rd (state): utime is the 14th field overall, i.e. index 11 here
      for (const index of [11, 12, 13, 14]) ticks += Number(fields[index] ?? 0);
    } catch {
      // gone
    }
  }
  return ticks * 10; // USER_HZ = 100
}
