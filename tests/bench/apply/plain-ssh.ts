/**
 * The plain ssh reference: `xargs -P N` running one OpenSSH `ssh` per host (lab ssh_config,
 * curve25519 kex since the hosts refuse sntrup761), each running one script that does what the
 * console's apply does on a node whose k0s already runs:
 *   - writes every mirror file atomically (`cat > temp <<EOF`, chmod, `mv -f` over the target),
 *   - runs the one command, the console's own K0S_STATE_SCRIPT (`k0s status`),
 *   - reads the files' sha256 back (the console's verify stage).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RenderedFile } from "@/lib/render/types";
import { parentOf } from "@/lib/runs/file-commands";
import { K0S_STATE_SCRIPT } from "@/lib/runs/k0s-state";
import { shellQuote } from "@/lib/ssh/quote";
import { sampleTree, type TreeSample } from "../proc-tree";
import { runGroup } from "./processes";

const EOF_MARK = "K0S_BENCH_EOF";

/** The per-host script: the files, then the one command, then the read-back. */
export function plainSshScript(files: readonly RenderedFile[]): string {
  const dirs = [...new Set(files.map((file) => parentOf(file.path)))];
  const lines = ["set -eu", "umask 022", `mkdir -p ${dirs.map(shellQuote).join(" ")}`];
  for (const file of files) {
    if (!file.content.endsWith("\n") || file.content.split("\n").includes(EOF_MARK))
      throw new Error(`${file.path}: cannot go through a quoted heredoc unchanged`);
    const name = file.path.slice(file.path.lastIndexOf("/") + 1);
    lines.push(
      `t=${shellQuote(`${parentOf(file.path)}/.${name}.bench`)}.$$`,
      `cat > "$t" <<'${EOF_MARK}'`,
      `${file.content}${EOF_MARK}`,
      `chmod ${file.mode} "$t"`,
      `mv -f "$t" ${shellQuote(file.path)}`,
    );
  }
  lines.push(K0S_STATE_SCRIPT, `sha256sum ${files.map((file) => shellQuote(file.path)).join(" ")}`);
  return `${lines.join("\n")}\n`;
}

/** What a host's stdout must show: k0s running, then each file's rendered sha256. */
export function plainSshProblems(stdout: string, files: readonly RenderedFile[]): string[] {
  const lines = stdout.split("\n");
  const problems: string[] = [];
  if (!lines.includes("running"))
    problems.push(`k0s not reported running: ${stdout.slice(0, 200)}`);
  for (const file of files) {
    if (!lines.includes(`${file.sha256}  ${file.path}`))
      problems.push(`${file.path}: sha256 read back differs`);
  }
  return problems;
}

export interface PlainSshRun {
  ms: number;
  /** largest single process of the tree (xargs, sh→ssh), from /usr/bin/time %M */
  maxProcessRssMiB: number;
  /** user + system CPU time of xargs and every ssh (/usr/bin/time %U %S) */
  clientCpuMs: number;
  /** with `sampleMs`: peaks of the tree's summed RSS / PSS */
  sampled?: TreeSample;
}

/** One `xargs -P <parallel>` run over `addresses`; throws unless every host did the job. */
export async function runPlainSsh(options: {
  addresses: readonly string[];
  files: readonly RenderedFile[];
  sshConfig: string;
  dir: string;
  parallel: number;
  sampleMs?: number;
}): Promise<PlainSshRun> {
  const { addresses, files, dir } = options;
  mkdirSync(dir, { recursive: true });
  const hostsFile = path.join(dir, "hosts.txt");
  writeFileSync(hostsFile, `${addresses.join("\n")}\n`);
  const timeFile = path.join(dir, "time.txt");
  const perHost = `exec ssh -F "$K0B_CONFIG" -o BatchMode=yes "root@$1" "$K0B_REMOTE" >"$K0B_OUT/$1.out" 2>"$K0B_OUT/$1.err"`;
  let sampler: ReturnType<typeof sampleTree> | undefined;
  const { code, ms } = await runGroup(
    "/usr/bin/time",
    ["-f", "%M %U %S", "-o", timeFile, "xargs", "-P", String(options.parallel), "-n", "1"].concat([
      "-a",
      hostsFile,
      "sh",
      "-c",
      perHost,
      "sh",
    ]),
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        K0B_CONFIG: options.sshConfig,
        K0B_REMOTE: plainSshScript(files),
        K0B_OUT: dir,
      },
      timeoutMs: 60_000,
      onSpawn: (child) => {
        if (options.sampleMs && child.pid !== undefined)
          sampler = sampleTree(child.pid, options.sampleMs);
      },
    },
  );
  const sampled = sampler?.stop();
  const problems = code === 0 ? [] : [`xargs exited ${code}`];
  for (const address of addresses) {
    const read = (ext: string) => {
      try {
        return readFileSync(path.join(dir, `${address}.${ext}`), "utf8");
      } catch {
        return "";
      }
    };
    for (const problem of plainSshProblems(read("out"), files))
      problems.push(`${address}: ${problem}; stderr: ${read("err").trim()}`);
  }
  if (problems.length > 0)
    throw new Error(`plain ssh did not do the job:\n${problems.slice(0, 5).join("\n")}`);
  const [maxRssKiB = 0, user = 0, system = 0] = (
    readFileSync(timeFile, "utf8").trim().split("\n").at(-1) ?? ""
  )
    .split(" ")
    .map(Number);
  rmSync(dir, { recursive: true, force: true });
  return {
    ms,
    maxProcessRssMiB: Math.round(maxRssKiB / 1024),
    clientCpuMs: (user + system) * 1000,
    sampled,
  };
}
