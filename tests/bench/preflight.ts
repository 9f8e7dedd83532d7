/**
 * Pre-flight on 30 test hosts (target: within 1.5× of plain ssh), both sides in the same run on
 * the same lab, alternating after one warm-up each, median of 3:
 * - console: `runFleetChecks({ nodes: "all", concurrency: 30 })` in a forked child process of its
 *   own (Node + tsx + ssh2 + SQLite), so its peak RSS is the console's and not the lab's;
 * - reference: `xargs -P 30` running one OpenSSH `ssh` per host (lab ssh_config, curve25519 kex
 *   since the hosts refuse sntrup761) that runs the same facts script and then curl for the same
 *   registry requests the console makes from the node (GET /v2/, a HEAD per sampled image).
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { factsScript, SECTION_MARKER } from "@/lib/checks/facts-script";
import { MANIFEST_ACCEPT } from "@/lib/checks/mirror-request";
import { parseFacts } from "@/lib/checks/parse-facts";
import { runFleetChecks } from "@/lib/checks/service";
import { openDatabase } from "@/lib/inventory/db";
import { loadSecretKey } from "@/lib/inventory/secrets";
import { putCatalog, putFleetSettings } from "@/lib/inventory/settings";
import { shellQuote } from "@/lib/ssh/quote";
import { addLabNodes, labInventory } from "../lab/lab-inventory";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { median, peakRssMiB, seconds } from "./measure";
import { sampleTree } from "./proc-tree";

const HOSTS = 30;
const RUNS = 3;
const CATALOG = [
  "registry.k8s.io/pause:3.9",
  "quay.io/calico/node:v3.29.4",
  "docker.io/library/busybox:1.36",
  "quay.io/k0sproject/coredns:1.12.2",
];
/** checks every node must pass for a console run to count */
const MUST_PASS = [
  "ssh.reachable",
  "ssh.host-key",
  "ssh.auth",
  "privilege.root",
  "registry.reachable",
  "registry.images",
  "fleet.hostname-unique",
  "fleet.machine-id-unique",
];
const REF_MARK = "@@bench-http@@";
/** a plain ssh run that takes longer than this is killed (and the bench fails) */
const REF_TIMEOUT_MS = 60_000;

type ToChild = { cmd: "run" } | { cmd: "done" };
type FromChild =
  | { kind: "ready"; rssMiB: number }
  | { kind: "ran"; ms: number; problems: string[]; headUrls: string[] }
  | { kind: "done"; peakRssMiB: number };

// ---------------------------------------------------------------- console side (child process)

async function consoleChild(dataDir: string) {
  const db = openDatabase(dataDir);
  const key = loadSecretKey(dataDir);
  const send = (message: FromChild) => process.send?.(message);
  process.on("message", async (message: ToChild) => {
    if (message.cmd === "done") {
      send({ kind: "done", peakRssMiB: peakRssMiB() });
      db.close();
      process.disconnect();
      return;
    }
    const start = performance.now();
    const results = await runFleetChecks({ db, key, nodes: "all", concurrency: HOSTS });
    const ms = performance.now() - start;
    const problems: string[] = [];
    const nodes = new Set(results.map((r) => r.node));
    if (nodes.size !== HOSTS) problems.push(`results for ${nodes.size} nodes, not ${HOSTS}`);
    for (const node of nodes) {
      for (const check of MUST_PASS) {
        const result = results.find((r) => r.node === node && r.check === check);
        if (result?.status !== "pass")
          problems.push(`${node} ${check}: ${result ? result.reason : "missing"}`);
      }
    }
    const evidence = results.find((r) => r.check === "registry.images")?.evidence ?? "";
    const headUrls = [...evidence.matchAll(/^HEAD (\S+) → 200$/gm)].map((m) => m[1] ?? "");
    send({ kind: "ran", ms, problems, headUrls });
  });
  send({ kind: "ready", rssMiB: peakRssMiB() });
}

class ConsoleProcess {
  private waiting: ((message: FromChild) => void) | undefined;
  private failure: Error | undefined;
  readonly child: ChildProcess;

  constructor(dataDir: string) {
    // inherits execArgv (the tsx loader); stdout is ignored so only our JSON line reaches run.ts
    this.child = fork(__filename, ["--console-child", dataDir], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    this.child.on("message", (message: FromChild) => this.waiting?.(message));
    this.child.on("exit", (code, signal) => {
      this.failure = new Error(`the console process exited (${code ?? signal})`);
    });
  }

  next<K extends FromChild["kind"]>(kind: K, send?: ToChild): Promise<FromChild & { kind: K }> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onExit = () => reject(this.failure);
      this.child.once("exit", onExit);
      this.waiting = (message) => {
        this.child.off("exit", onExit);
        this.waiting = undefined;
        if (message.kind === kind) resolve(message as FromChild & { kind: K });
        else reject(new Error(`the console process said ${message.kind}, expected ${kind}`));
      };
      if (send) this.child.send(send);
    });
  }

  async run(): Promise<{ ms: number; headUrls: string[] }> {
    const ran = await this.next("ran", { cmd: "run" });
    if (ran.problems.length > 0)
      throw new Error(`the console's pre-flight did not pass:\n${ran.problems.join("\n")}`);
    return ran;
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

// ---------------------------------------------------------------- plain ssh side

interface Reference {
  hostsFile: string;
  outRoot: string;
  remote: string;
  sshConfig: string;
  /** the HEAD URLs, exactly as the console builds them for the flat mirror layout */
  headUrls: string[];
  registry: string;
}

function reference(lab: SshLab, dir: string): Reference {
  const registry = lab.registryAddress ?? "";
  const headUrls = CATALOG.map((ref) => {
    const slash = ref.indexOf("/");
    const colon = ref.lastIndexOf(":");
    const [host, repo, tag] = [
      ref.slice(0, slash),
      ref.slice(slash + 1, colon),
      ref.slice(colon + 1),
    ];
    return `http://${registry}/v2/${repo}/manifests/${tag}?ns=${host}`;
  });
  const curl = "curl -s -o /dev/null -w '%{http_code}' --max-time 10";
  const remote = [
    // exactly the command line the console runs as root: sh -c '<facts script>'
    `sh -c ${shellQuote(factsScript())}`,
    `echo "${REF_MARK} GET http://${registry}/v2/ $(${curl} http://${registry}/v2/)"`,
    ...headUrls.map(
      (url) =>
        `echo "${REF_MARK} HEAD ${url} $(${curl} -I -H ${shellQuote(`Accept: ${MANIFEST_ACCEPT}`)} ${shellQuote(url)})"`,
    ),
  ].join("\n");
  const hostsFile = path.join(dir, "hosts.txt");
  writeFileSync(hostsFile, `${lab.hosts.map((host) => host.address).join("\n")}\n`);
  const outRoot = path.join(dir, "ssh-out");
  mkdirSync(outRoot);
  return { hostsFile, outRoot, remote, sshConfig: lab.sshConfig, headUrls, registry };
}

interface RefRun {
  ms: number;
  /** largest single process of the tree (xargs, sh→ssh), from /usr/bin/time %M */
  maxChildRssMiB: number;
  /** with `sample`: the peak of the summed RSS / PSS of the tree, polled every 20 ms */
  sampled?: { rssMiB: number; pssMiB: number };
}

/** kills the plain ssh run in progress (its own process group), for the teardown */
let killReference: (() => void) | undefined;

/** One `xargs -P 30` run: each host's stdout/stderr in its own file, checked afterwards. */
async function runReference(ref: Reference, lab: SshLab, run: number, sample = false) {
  const out = path.join(ref.outRoot, String(run));
  mkdirSync(out);
  const timeFile = path.join(out, "time.txt");
  const perHost = `exec ssh -F "$K0B_CONFIG" -o BatchMode=yes "root@$1" "$K0B_REMOTE" >"$K0B_OUT/$1.out" 2>"$K0B_OUT/$1.err"`;
  const start = performance.now();
  const child = spawn(
    "/usr/bin/time",
    [
      "-f",
      "%M",
      "-o",
      timeFile,
      "xargs",
      "-P",
      String(HOSTS),
      "-n",
      "1",
      "-a",
      ref.hostsFile,
    ].concat(["sh", "-c", perHost, "sh"]),
    {
      // its own process group: a stuck run is killed whole (time, xargs, every ssh)
      detached: true,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, K0B_CONFIG: ref.sshConfig, K0B_REMOTE: ref.remote, K0B_OUT: out },
    },
  );
  const sampler = sample && child.pid !== undefined ? sampleTree(child.pid) : undefined;
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, "SIGKILL");
  };
  killReference = kill;
  const timer = setTimeout(kill, REF_TIMEOUT_MS);
  const code = await new Promise<number | string | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode, signal) => resolve(exitCode ?? signal));
  }).finally(() => {
    clearTimeout(timer);
    killReference = undefined;
  });
  const ms = performance.now() - start;
  const sampled = sampler?.stop();
  const problems: string[] = code === 0 ? [] : [`xargs exited ${code}`];
  for (const host of lab.hosts) {
    const read = (ext: string) => {
      try {
        return readFileSync(path.join(out, `${host.address}.${ext}`), "utf8");
      } catch {
        return "";
      }
    };
    const stdout = read("out");
    const facts = parseFacts(stdout);
    const markers = stdout.split("\n").filter((line) => line.startsWith(SECTION_MARKER)).length;
    const http = stdout
      .split("\n")
      .filter((line) => line.startsWith(REF_MARK))
      .map((line) => line.slice(REF_MARK.length + 1));
    const expected = [
      `GET http://${ref.registry}/v2/ 200`,
      ...ref.headUrls.map((url) => `HEAD ${url} 200`),
    ];
    if (
      markers !== 13 ||
      facts.hostname !== host.name ||
      facts.machineId !== host.machineId ||
      facts.uid !== 0 ||
      http.join("\n") !== expected.join("\n")
    ) {
      problems.push(
        `${host.name}: ${markers} fact sections, hostname ${facts.hostname}, http ${JSON.stringify(http)}; stderr: ${read("err").trim()}`,
      );
    }
  }
  if (problems.length > 0)
    throw new Error(`plain ssh did not do the job:\n${problems.slice(0, 5).join("\n")}`);
  const maxRssKiB = Number(readFileSync(timeFile, "utf8").trim().split("\n").at(-1));
  rmSync(out, { recursive: true, force: true });
  return { ms, maxChildRssMiB: Math.round(maxRssKiB / 1024), sampled } satisfies RefRun;
}

// ---------------------------------------------------------------- the run

async function main() {
  let lab: SshLab | undefined;
  let dataDir: string | undefined;
  let consoleProcess: ConsoleProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      consoleProcess?.kill();
      killReference?.();
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
  try {
    lab = await startSshLab({ hosts: HOSTS });
    const { dir, db, key } = labInventory("bench-preflight-");
    dataDir = dir;
    putFleetSettings({
      db,
      settings: {
        k0sVersion: "1.32.8",
        registries: ["registry.k8s.io", "quay.io", "docker.io"],
        mirror: { address: lab.registryAddress ?? "", scheme: "http" },
      },
    });
    putCatalog({ db, catalog: { format: "plain-list", images: CATALOG, registries: [] } });
    addLabNodes({ db, key }, lab, (host) => ({
      role: host.index === 1 ? "controller+worker" : "worker",
    }));
    db.close();
    const ref = reference(lab, dataDir);

    consoleProcess = new ConsoleProcess(dataDir);
    const ready = await consoleProcess.next("ready");
    // warm-ups: the console's first run pins the 30 host keys
    const warm = await consoleProcess.run();
    const missing = ref.headUrls.filter((url) => !warm.headUrls.includes(url));
    if (missing.length > 0 || warm.headUrls.length !== ref.headUrls.length)
      throw new Error(
        `the reference's HEAD URLs differ from the console's: ${JSON.stringify(warm.headUrls)}`,
      );
    await runReference(ref, lab, 0);
    const consoleMs: number[] = [];
    const refRuns: RefRun[] = [];
    for (let i = 1; i <= RUNS; i += 1) {
      consoleMs.push((await consoleProcess.run()).ms);
      refRuns.push(await runReference(ref, lab, i));
    }
    // memory of the ssh tree: an extra, untimed run (polling /proc would slow the timed ones)
    const sampled = (await runReference(ref, lab, RUNS + 1, true)).sampled;
    const { peakRssMiB: consoleRss } = await consoleProcess.next("done", { cmd: "done" });

    const consoleMedian = median(consoleMs);
    const refMedian = median(refRuns.map((run) => run.ms));
    const ratio = consoleMedian / refMedian;
    const list = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(" / ");
    console.log(
      JSON.stringify([
        {
          name: `pre-flight, ${HOSTS} hosts — console (ssh2)`,
          value: `${seconds(consoleMedian)} (${ratio.toFixed(2)}× plain ssh)`,
          target: "≤ 1.5× plain ssh",
          peakRssMiB: consoleRss,
          note:
            `${ratio.toFixed(2)}× plain ssh (${ratio <= 1.5 ? "within" : "OVER"} the 1.5× target); ` +
            `runs ${list(consoleMs)} s; runFleetChecks({ nodes: "all", concurrency: ${HOSTS} }): ` +
            `facts script + GET /v2/ + ${CATALOG.length} HEADs per node through direct-tcpip, ` +
            `results stored in SQLite; peak RSS = the console's own process (Node + tsx + ssh2 + ` +
            `SQLite) over the warm-up and ${RUNS} runs, ${ready.rssMiB} MiB before the first run`,
        },
        {
          name: `pre-flight, ${HOSTS} hosts — plain ssh + xargs -P ${HOSTS}`,
          value: seconds(refMedian),
          target: "reference",
          peakRssMiB: sampled?.rssMiB ?? 0,
          note:
            `runs ${list(refRuns.map((run) => run.ms))} s; one OpenSSH ssh per host ` +
            `(lab ssh_config, curve25519 kex): the same facts script, then curl GET /v2/ + ` +
            `${CATALOG.length} HEADs on the node; peak RSS = summed RSS of xargs + ${HOSTS} ssh ` +
            `(polled every 20 ms in an extra untimed run; summed PSS ${sampled?.pssMiB ?? 0} MiB; ` +
            `largest single process ${Math.max(...refRuns.map((run) => run.maxChildRssMiB))} MiB)`,
        },
      ]),
    );
  } finally {
    await cleanup();
  }
}

if (process.argv[2] === "--console-child") void consoleChild(process.argv[3] ?? "");
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
