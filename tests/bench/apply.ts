/**
 * Apply of the mirror files + one command to 10 and 30 test hosts (targets: within 1.5× of plain
 * ssh, at least 10× faster than Ansible), all three in the same run on the same hosts:
 * - console: `startRun({ action: "apply", nodes, concurrency: N })` in a forked process of its own
 *   (apply/console-child.ts), so its peak RSS is the console's; the nodes are workers whose k0s
 *   (the lab's stand-in) already runs, so the apply is exactly: connect, then ONE exec that
 *   writes the mirror files, runs `k0s status` (K0S_STATE_SCRIPT) and reads the files' sha256
 *   back (the verify stage uses that read-back: nothing ran in between) — no install;
 * - plain ssh: `xargs -P N`, one OpenSSH `ssh` per host running one script that writes the same
 *   files atomically, runs the same K0S_STATE_SCRIPT and reads the sha256 back (apply/plain-ssh.ts);
 * - Ansible: ansible-core, forks = N, pipelining, file/copy/shell tasks (apply/ansible.ts).
 * Every run gets new fleet settings (the mirror prefix changes), so each one really rewrites the
 * hosts.toml files; afterwards every host's files are checked against the render, for each tool.
 * The console and plain ssh alternate after a warm-up each, median of 3; Ansible runs once per N.
 *
 * Then, in a fresh console process, one node's output through the executor's log path
 * (RootShell → lineSplitter → nodeLog → SQLite + bus) read by `runEventStream`: log throughput
 * (`seq 1 200000`) and the delay from a line printed on the node to its arrival in the SSE client,
 * idle and again while another node floods its own run with `yes` (reported in the note).
 */

import { type ChildProcess, fork } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { renderFleet } from "@/lib/fleet/render-fleet";
import type { Database } from "@/lib/inventory/db";
import { listNodes } from "@/lib/inventory/nodes";
import { getFleetSettings, putFleetSettings } from "@/lib/inventory/settings";
import { nodeTargets } from "@/lib/render";
import type { RenderedFile } from "@/lib/render/types";
import { mapLimit } from "@/lib/util/map-limit";
import { installK0sStandin } from "../lab/k0s-standin/install";
import { addLabNodes, labInventory } from "../lab/lab-inventory";
import type { SshHost, SshLab } from "../lab/ssh-hosts";
import { startSshLab } from "../lab/ssh-hosts";
import {
  type AnsibleProject,
  type AnsibleRun,
  ansibleProject,
  ansibleVersion,
  closeControlMasters,
  runAnsible,
} from "./apply/ansible";
import { type PlainSshRun, runPlainSsh } from "./apply/plain-ssh";
import { killGroups } from "./apply/processes";
import type { FromConsole, ToConsole } from "./apply/protocol";
import { type Figure, median, seconds } from "./measure";
import { treeCpuMs } from "./proc-tree";

const SIZES = [10, 30];
const RUNS = 3;
const VERSION = "1.32.8";
const REGISTRIES = ["registry.k8s.io", "quay.io", "docker.io"];
/** the one command (the console runs it inside K0S_STATE_SCRIPT) */
const ONE_COMMAND = "k0s status";
const SSE_LINES = 500;
const SSE_INTERVAL_MS = 10;
const FLOOD_LINES = 200_000;
const ANSIBLE_TIMEOUT_MS = 180_000;

type Reply<K extends FromConsole["kind"]> = FromConsole & { kind: K };

/** A console process (apply/console-child.ts) driven over IPC, one request at a time. */
class ConsoleProcess {
  private waiting: ((message: FromConsole) => void) | undefined;
  private failure: Error | undefined;
  readonly child: ChildProcess;

  constructor(dataDir: string) {
    // inherits execArgv (the tsx loader); stdout ignored so only our JSON line reaches run.ts
    this.child = fork(path.join(__dirname, "apply", "console-child.ts"), [dataDir], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    this.child.on("message", (message: FromConsole) => this.waiting?.(message));
    this.child.on("exit", (code, signal) => {
      this.failure = new Error(`the console process exited (${code ?? signal})`);
    });
  }

  next<K extends FromConsole["kind"]>(kind: K, send?: ToConsole): Promise<Reply<K>> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onExit = () => reject(this.failure);
      this.child.once("exit", onExit);
      this.waiting = (message) => {
        this.child.off("exit", onExit);
        this.waiting = undefined;
        if (message.kind === kind) resolve(message as Reply<K>);
        else if (message.kind === "error")
          reject(new Error(`the console process failed: ${message.message}`));
        else reject(new Error(`the console process said ${message.kind}, expected ${kind}`));
      };
      if (send) this.child.send(send);
    });
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

// ---------------------------------------------------------------- fleet, files, checks

interface Fleet {
  lab: SshLab;
  db: Database;
  mirror: string;
  iteration: number;
}

/**
 * New fleet settings for the next run (another mirror prefix: every hosts.toml changes), and the
 * files the console renders from them for `hosts` — the same for every node here.
 */
function nextFiles(fleet: Fleet, hosts: readonly SshHost[]): RenderedFile[] {
  fleet.iteration += 1;
  putFleetSettings({
    db: fleet.db,
    settings: {
      k0sVersion: VERSION,
      registries: REGISTRIES,
      mirror: {
        address: fleet.mirror,
        scheme: "http",
        layout: { prefix: `bench-${fleet.iteration}` },
        defaultMirror: true,
      },
    },
  });
  const names = new Set(hosts.map((host) => host.name));
  const nodes = listNodes({ db: fleet.db }).filter((node) => names.has(node.name));
  const rendered = renderFleet(getFleetSettings({ db: fleet.db }), nodes).nodes;
  const files = nodeTargets(rendered[0]?.files ?? []);
  const same = JSON.stringify(files);
  if (
    rendered.length !== hosts.length ||
    rendered.some((n) => JSON.stringify(nodeTargets(n.files)) !== same)
  )
    throw new Error("the nodes' rendered files differ: the references send one set to all");
  return files;
}

/** Every host has every file with the rendered content and mode, owned by root. */
function checkHosts(hosts: readonly SshHost[], files: readonly RenderedFile[], who: string) {
  const problems: string[] = [];
  for (const host of hosts) {
    for (const file of files) {
      const content = host.readFile(file.path);
      if (content !== file.content) {
        problems.push(
          `${host.name} ${file.path}: ${content === undefined ? "missing" : "differs"}`,
        );
        continue;
      }
      const stat = statSync(host.path(file.path));
      if ((stat.mode & 0o7777) !== Number.parseInt(file.mode, 8) || stat.uid !== 0)
        problems.push(
          `${host.name} ${file.path}: mode ${(stat.mode & 0o7777).toString(8)}, uid ${stat.uid}`,
        );
    }
  }
  if (problems.length > 0)
    throw new Error(
      `after ${who}, the hosts' files are wrong:\n${problems.slice(0, 5).join("\n")}`,
    );
}

// ---------------------------------------------------------------- figures

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const list = (values: readonly number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(" / ");

/** with the CPU time the hosts spent on the run (their sshd, shells and commands) */
type ConsoleRun = Reply<"applied"> & { hostCpuMs: number };
type PlainRun = PlainSshRun & { hostCpuMs: number };

/** lets the hosts' sshd reap the sessions that just ended, so their CPU time is counted */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

interface SizeResult {
  n: number;
  /** files per node */
  files: number;
  ansibleVersion: string;
  console: ConsoleRun[];
  consoleRss: { before: number; peak: number };
  plain: PlainRun[];
  plainSampled: PlainSshRun["sampled"];
  ansible: AnsibleRun;
}

function sizeFigures(r: SizeResult): Figure[] {
  const consoleMs = median(r.console.map((run) => run.ms));
  const plainMs = median(r.plain.map((run) => run.ms));
  const vsSsh = consoleMs / plainMs;
  const vsAnsible = r.ansible.ms / consoleMs;
  const last = r.console.at(-1);
  const outcomes = Object.entries(last?.outcomes ?? {})
    .map(([status, count]) => `${count / r.n} ${status}`)
    .join(", ");
  const files = `${r.files} files`;
  const recap = r.ansible.recap.values().next().value;
  const mid = <T extends { ms: number }>(runs: T[]) =>
    [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  const cm = mid(r.console);
  const pm = mid(r.plain);
  const timeline = (cm?.stages ?? [])
    .map(
      (stage) =>
        `${stage.name} ${(stage.medianMs / 1000).toFixed(2)} s median / ${(stage.maxMs / 1000).toFixed(2)} s max per node, last done at ${seconds(stage.lastEndMs)}`,
    )
    .join("; ");
  const job = `apply files + 1 command, ${r.n} nodes`;
  return [
    {
      name: `${job} — console`,
      value: `${seconds(consoleMs)} (${vsSsh.toFixed(2)}× plain ssh, ${vsAnsible.toFixed(1)}× faster than Ansible)`,
      target: "≤ 1.5× plain ssh, ≥ 10× faster than Ansible",
      peakRssMiB: r.consoleRss.peak,
      note:
        `${vsSsh.toFixed(2)}× plain ssh (${vsSsh <= 1.5 ? "within" : "OVER"} the 1.5× target), ` +
        `${vsAnsible.toFixed(1)}× faster than Ansible (${vsAnsible >= 10 ? "meets" : "MISSES"} the 10× target); ` +
        `runs ${list(r.console.map((run) => run.ms))} s; startRun apply, concurrency ${r.n}, on ` +
        `worker nodes whose k0s already runs: per node ssh2 connect, then one script that ` +
        `writes the ${files} (${outcomes} per node; the changed ones: temp file, sha256 check, ` +
        `fsync, hard-linked backup of the old version, rename), sweeps /etc/k0s and /usr/local/bin for stale ` +
        `temp files (find), runs K0S_STATE_SCRIPT (k0s status) and reads the sha256 back for ` +
        `the verify stage — ` +
        `${last?.execsPerNode ?? "?"} exec${last?.execsPerNode === 1 ? "" : "s"} and ${Math.round((last?.events ?? 0) / r.n)} log ` +
        `lines (SQLite rows) per node; median run: ${timeline}; CPU time ${seconds(cm?.cpuMs ?? 0)} ` +
        `in the console process + ${seconds(cm?.hostCpuMs ?? 0)} on the hosts (plain ssh: ` +
        `${seconds(pm?.clientCpuMs ?? 0)} in ssh + ${seconds(pm?.hostCpuMs ?? 0)} on the hosts; ` +
        `2 cores for everything); peak RSS = the console process over its warm-up and ` +
        `${RUNS} runs (${r.consoleRss.before} MiB before the first)`,
    },
    {
      name: `${job} — plain ssh + xargs -P ${r.n}`,
      value: seconds(plainMs),
      target: "reference",
      peakRssMiB: r.plainSampled?.rssMiB ?? 0,
      note:
        `runs ${list(r.plain.map((run) => run.ms))} s; one OpenSSH ssh per host (curve25519) ` +
        `running one script: the ${files} via heredoc to a temp file + chmod + mv, ` +
        `K0S_STATE_SCRIPT (k0s status), sha256sum of the ${files}; peak RSS = summed RSS of ` +
        `xargs + sh + ssh (an extra untimed run, polled every 20 ms; PSS ` +
        `${r.plainSampled?.pssMiB ?? 0} MiB)`,
    },
    {
      name: `${job} — Ansible (forks ${r.n})`,
      value: seconds(r.ansible.ms),
      target: "reference",
      peakRssMiB: r.ansible.sampled?.rssMiB ?? 0,
      note:
        `one run; ansible-core ${r.ansibleVersion}, pipelining, no facts, default ControlPersist; ` +
        `tasks: file (${r.ansible.dirs} dirs, loop), copy (${r.ansible.files} files, loop, ` +
        `content/mode/owner), ` +
        `shell "${ONE_COMMAND}"; recap per host ok=${recap?.ok} changed=${recap?.changed} ` +
        `failed=0 on all ${r.n}; peak RSS = summed RSS of ansible-playbook, its forks and ssh ` +
        `(polled every 500 ms; PSS ${r.ansible.sampled?.pssMiB ?? 0} MiB, up to ` +
        `${r.ansible.sampled?.processes ?? 0} processes)`,
    },
  ];
}

// ---------------------------------------------------------------- the run

async function main() {
  let lab: SshLab | undefined;
  let dataDir: string | undefined;
  let db: Database | undefined;
  const consoles = new Set<ConsoleProcess>();
  const projects: AnsibleProject[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      for (const proc of consoles) proc.kill();
      killGroups();
      for (const project of projects) closeControlMasters(project);
      db?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await lab?.stop();
    })();
    return cleaning;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
    });
  }
  const progress = (what: string) => process.stderr.write(`apply bench: ${what}\n`);
  const startConsole = async (dir: string) => {
    const proc = new ConsoleProcess(dir);
    consoles.add(proc);
    proc.child.once("exit", () => consoles.delete(proc));
    return { proc, ready: await proc.next("ready") };
  };
  try {
    const hostCount = Math.max(...SIZES);
    lab = await startSshLab({ hosts: hostCount, seed: false });
    const theLab = lab;
    const inventory = labInventory("bench-apply-");
    ({ dir: dataDir, db } = inventory);
    addLabNodes(inventory, lab, () => ({ role: "worker" }));
    // k0s (the stand-in) installed and running on every host beforehand: the applies only
    // write files and run their status and verify commands (a controller alone runs no
    // containerd, so this is cheap)
    await mapLimit(lab.hosts, 10, async (host) => {
      await installK0sStandin(theLab, host, { version: VERSION });
      const started = await theLab.sshExec(
        host,
        "k0s install controller && k0s start && k0s status",
      );
      if (started.code !== 0) throw new Error(`${host.name}: k0s did not start: ${started.stderr}`);
    });
    progress(`${hostCount} hosts up, k0s running on each`);
    const fleet: Fleet = { lab, db, mirror: `${lab.gateway}:5000`, iteration: 0 };

    const sizes: SizeResult[] = [];
    for (const n of SIZES) {
      const hosts = lab.hosts.slice(0, n);
      const names = hosts.map((host) => host.name);
      const pid1s = hosts.map((host) => host.pid1() ?? 0);
      const hostsCpuMs = () => treeCpuMs(pid1s);
      const { proc, ready } = await startConsole(dataDir);
      const consoleApply = async () => {
        const files = nextFiles(fleet, hosts);
        const busy = hostsCpuMs();
        const applied = await proc.next("applied", { cmd: "apply", nodes: names });
        await settle();
        const hostCpuMs = hostsCpuMs() - busy;
        if (applied.problems.length > 0)
          throw new Error(
            `the console's apply failed:\n${applied.problems.slice(0, 5).join("\n")}`,
          );
        checkHosts(hosts, files, "the console's apply");
        return { ...applied, hostCpuMs };
      };
      let refRun = 0;
      const plainSsh = async (sampleMs?: number) => {
        const files = nextFiles(fleet, hosts);
        refRun += 1;
        const busy = hostsCpuMs();
        const run = await runPlainSsh({
          addresses: hosts.map((host) => host.address),
          files,
          sshConfig: theLab.sshConfig,
          dir: path.join(dataDir ?? "", `ssh-${n}-${refRun}`),
          parallel: n,
          sampleMs,
        });
        await settle();
        const hostCpuMs = hostsCpuMs() - busy;
        checkHosts(hosts, files, "plain ssh");
        return { ...run, hostCpuMs };
      };
      // warm-ups: the console's first run also pins the host keys
      await consoleApply();
      await plainSsh();
      const consoleRuns: ConsoleRun[] = [];
      const plainRuns: PlainRun[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        consoleRuns.push(await consoleApply());
        plainRuns.push(await plainSsh());
      }
      // memory of the ssh tree: an extra, untimed run (polling /proc would slow the timed ones)
      const plainSampled = (await plainSsh(20)).sampled;
      const done = await proc.next("done", { cmd: "done" });
      progress(
        `${n} nodes: console ${list(consoleRuns.map((r) => r.ms))} s, plain ssh ${list(plainRuns.map((r) => r.ms))} s; Ansible…`,
      );

      const project = ansibleProject(path.join(dataDir, `ansible-${n}`), lab, hosts, n);
      projects.push(project);

      const files = nextFiles(fleet, hosts);
      const ansible = await runAnsible(project, files, ONE_COMMAND, {
        timeoutMs: ANSIBLE_TIMEOUT_MS,
        sampleMs: 500,
      });
      closeControlMasters(project);
      checkHosts(hosts, files, "Ansible");
      progress(`${n} nodes: Ansible ${seconds(ansible.ms)}`);
      sizes.push({
        n,
        files: files.length,
        ansibleVersion: ansibleVersion(project),
        console: consoleRuns,
        consoleRss: { before: ready.rssMiB, peak: done.peakRssMiB },
        plain: plainRuns,
        plainSampled,
        ansible,
      });
    }

    // one node's log stream, in a fresh console process
    const node = lab.hosts[0]?.name ?? "";
    const { proc } = await startConsole(dataDir);
    const sse = await proc.next("sse-delay", {
      cmd: "sse-delay",
      node,
      lines: SSE_LINES,
      intervalMs: SSE_INTERVAL_MS,
    });
    if (sse.problems.length > 0) throw new Error(`SSE delay: ${sse.problems.join("; ")}`);
    const loadNode = lab.hosts[1]?.name ?? "";
    const loaded = await proc.next("sse-delay", {
      cmd: "sse-delay",
      node,
      lines: SSE_LINES,
      intervalMs: SSE_INTERVAL_MS,
      loadNode,
    });
    if (loaded.problems.length > 0) throw new Error(`SSE delay: ${loaded.problems.join("; ")}`);
    const flood = await proc.next("flood", { cmd: "flood", node, lines: FLOOD_LINES });
    if (flood.problems.length > 0) throw new Error(`log throughput: ${flood.problems.join("; ")}`);
    await proc.next("done", { cmd: "done" });
    progress("log stream measured");

    const p50 = median(sse.delaysMs);
    const p95 = percentile(sse.delaysMs, 95);
    const perSecond = (FLOOD_LINES / flood.storeMs) * 1000;
    console.log(
      JSON.stringify([
        ...sizes.flatMap(sizeFigures),
        {
          name: "log throughput, 1 node",
          value: `${Math.round(perSecond).toLocaleString("en-US")} lines/s`,
          target: "(reported)",
          peakRssMiB: flood.rssMiB,
          note:
            `\`seq 1 ${FLOOD_LINES}\` on ${node} through the executor's log path (runLogged: ` +
            `RootShell.check onStdout → lineSplitter → nodeLog → the log writer, one SQLite ` +
            `transaction per 1,000 lines, + bus) with one SSE client (runEventStream) reading: ` +
            `${flood.stored} lines stored; the SSE client got its first to its last line in ` +
            `${seconds(flood.storeMs)} and all ${flood.sseReceived} within ` +
            `${seconds(flood.sseMs)} of the exec's start (the exec took ` +
            `${seconds(flood.execMs)}); peak RSS = that console process ` +
            `(after the delay tests too, the one under load included)`,
        },
        {
          name: "line → SSE client delay (median / p95)",
          value: `${p50.toFixed(1)} / ${p95.toFixed(1)} ms`,
          target: "p95 < 200 ms",
          peakRssMiB: sse.rssMiB,
          note:
            `${p95 < 200 ? "within" : "OVER"} the target; ${sse.delaysMs.length} lines ` +
            `\`date +%s%N\` every ${SSE_INTERVAL_MS} ms on ${node} (same kernel clock), arrival ` +
            `at a runEventStream reader in the console process minus the printed time: node → ` +
            `sshd → ssh2 → lineSplitter → SQLite → bus → SSE bytes; max ` +
            `${Math.max(...sse.delaysMs).toFixed(1)} ms; excludes the HTTP hop to a browser. ` +
            `Under load — ${loadNode} printing \`yes\` into another run meanwhile ` +
            `(${loaded.loadLines} lines stored): median ${median(loaded.delaysMs).toFixed(1)} / ` +
            `p95 ${percentile(loaded.delaysMs, 95).toFixed(1)} / max ` +
            `${Math.max(...loaded.delaysMs).toFixed(1)} ms`,
        },
      ]),
    );
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
