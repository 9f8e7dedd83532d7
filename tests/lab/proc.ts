import { type ChildProcess, execFile, spawn } from "node:child_process";
import { appendFileSync, closeSync, openSync, readFileSync } from "node:fs";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Run a short command to completion; throws with its stderr when it fails. */
export async function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** Like run(), with `input` written to the command's stdin. */
export async function runWithInput(
  cmd: string,
  args: string[],
  input: string,
  timeoutMs = 15_000,
): Promise<string> {
  const pending = execFileAsync(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 });
  pending.child.stdin?.end(input);
  try {
    return (await pending).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** Like run(), but reports failure as a value instead of throwing. */
export async function tryRun(cmd: string, args: string[], timeoutMs = 15_000): Promise<boolean> {
  return run(cmd, args, timeoutMs).then(
    () => true,
    () => false,
  );
}

export interface Daemon {
  name: string;
  pid: number;
  logFile: string;
  running(): boolean;
  /** resolves once the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Start a long-running process with stdout+stderr appended to `logFile`.
 * `setpriv --pdeathsig KILL` makes the kernel kill it if this test process dies, so a crashed
 * run leaves no orphans; it survives the exec chain (ip netns exec → unshare → sh → daemon).
 */
export function startDaemon(name: string, cmd: string, args: string[], logFile: string): Daemon {
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn("setpriv", ["--pdeathsig", "KILL", "--", cmd, ...args], {
      stdio: ["ignore", fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  // Without a listener a failed spawn (e.g. ENOENT) would crash the test process.
  child.on("error", (error) => appendFileSync(logFile, `spawn failed: ${error.message}\n`));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const logTail = (lines = 40) => tailFile(logFile, lines);
  return {
    name,
    pid,
    logFile,
    exited,
    running: () => !done,
    logTail,
    async stop(graceMs = 5_000) {
      if (done) return;
      child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const quit = await Promise.race([exited.then(() => true), grace]);
      clearTimeout(timer);
      if (!quit) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

export function tailFile(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${file})`;
  }
}
