/**
 * Apply: mirror files first on every node, then k0s in cluster order — the initial controller,
 * joining controllers one by one, workers in parallel — then a verify pass. A node that fails
 * stops there with its reason; the others go on (joiners only need the initial controller).
 */
import { nodeTargets } from "@/lib/render";

import { JOIN_TOKEN_PATH } from "@/lib/render/install-steps";
import { CONTROL_PLANE } from "@/lib/render/nodes";
import type { NodeRole, RenderedFile } from "@/lib/render/types";
import { shellCommand, shellQuote } from "@/lib/ssh/quote";
import { mapLimit } from "@/lib/util/map-limit";
import { type BinariesByArch, binaryFor, NO_BINARY, sizeText } from "./binary-choice";
import { backupDirFor, cleanupTempFilesScript, parentOf } from "./file-commands";
import { installScript, sweepJoinTokenScript } from "./install-script";
import { K0S_INSTALL_PATH, type K0sBinary } from "./k0s-binary";
import { imagePullProblems, K0S_STATE_SCRIPT, type K0sState, parseK0sState } from "./k0s-state";
import { guard, type NodeJob, settle, shellOf } from "./node-job";
import { joinBlocker, mirrorFilesOf, nodeSteps, stepCommands, uploadNeeded } from "./node-steps";
import { withProgress } from "./progress";
import { type RunLoggedOptions, runLogged } from "./run-log";
import { writeNodeFiles } from "./write-files";
import { writeFilesScript } from "./write-script";

/** A node in an apply: its job, and what the apply learns about k0s on it. */
export interface ApplyJob extends NodeJob {
  k0s: K0sState;
  /** `sha256sum` of the files taken right after writing them; dropped once k0s is installed or started */
  readBack: string | null;
  /** why the node cannot get k0s when it has none (no binary in the run for its architecture) */
  missingBinary: string | null;
}

export interface ApplyOptions {
  runId: string;
  concurrency: number;
  /** how long `k0s status` may take to report the node up */
  startTimeoutMs: number;
  /** by architecture: each uploaded to the nodes of its architecture that lack exactly it */
  binaries: BinariesByArch<K0sBinary>;
  /** the node that initialises the fleet's cluster (it makes the join tokens), in this run or not */
  initialController: string | null;
}

const K0S_DIR = "/etc/k0s";
const K0S_BIN_DIR = parentOf(K0S_INSTALL_PATH);
const WORKLOADS: readonly NodeRole[] = ["controller+worker", "single"];

/** Runs the apply stages for jobs whose `shell` is connected; marks failures on the jobs. */
export async function applyJobs(jobs: ApplyJob[], options: ApplyOptions): Promise<void> {
  const step = (job: ApplyJob, work: () => Promise<void>) => guard(job, work);
  // a node is done once verified: its outcome shows before the others finish
  const verified = async (job: ApplyJob) => {
    await verify(job);
    settle(job);
  };
  const each = (list: ApplyJob[], work: (job: ApplyJob) => Promise<void>) =>
    mapLimit(list, options.concurrency, (job) => step(job, () => work(job)));
  const { binaries } = options;
  if (Object.keys(binaries).length > 0)
    await each(jobs, (job) => uploadBinary(job, binaries, options.runId));
  await each(jobs, (job) => writeFiles(job, options.runId));
  // a single node is a cluster of its own, done once it is verified; the others form one
  // cluster around the fleet's initial controller, verified together once every node has joined
  await each(
    jobs.filter((job) => job.node.role === "single"),
    async (job) => {
      await installNode(job, null, options);
      await verified(job);
    },
  );
  const cluster = jobs.filter((job) => job.node.role !== "single");
  const initial = cluster.find((job) => job.node.name === options.initialController);
  const joiners = cluster.filter((job) => job !== initial);
  if (initial) await step(initial, () => installNode(initial, null, options));
  const joining = {
    initial,
    blocked: joinBlocker(
      options.initialController,
      initial?.failure ? "failed" : initial ? "in-run" : "not-in-run",
    ),
  };
  for (const job of joiners.filter((j) => CONTROL_PLANE.includes(j.node.role))) {
    await step(job, () => installNode(job, joining, options));
  }
  await each(
    joiners.filter((j) => j.node.role === "worker"),
    (job) => installNode(job, joining, options),
  );
  await each(cluster, verified);
}

/**
 * The k0s binary of the node's architecture, skipped when the node already has exactly it;
 * checked by sha256 on the node. Without one, the node keeps its own k0s (none: refused after
 * its files, as the plan predicted).
 */
async function uploadBinary(
  job: ApplyJob,
  binaries: BinariesByArch<K0sBinary>,
  runId: string,
): Promise<void> {
  await job.stages.run("upload k0s", async () => {
    const current = await shellOf(job).run(`sha256sum ${K0S_INSTALL_PATH} 2>/dev/null; uname -m`);
    const lines = current.stdout.trim().split("\n");
    const onNode = /^[0-9a-f]{64}/.exec(lines[0] ?? "")?.[0] ?? null;
    const nodeArch = lines.at(-1)?.trim() || null;
    // the same choice the plan made: the binary of the node's architecture
    const { binary, missing } = binaryFor(binaries, nodeArch);
    if (!binary) {
      job.missingBinary = missing;
      job.log(
        "info",
        `this run has no k0s binary for ${nodeArch ?? "this node's architecture"}: none uploaded`,
      );
      return;
    }
    if (!uploadNeeded(binary, onNode)) {
      job.log(
        "info",
        `${K0S_INSTALL_PATH} is already this binary (same sha256 ${binary.sha256.slice(0, 12)}…): not uploaded`,
      );
      return;
    }
    job.log(
      "cmd",
      `upload ${binary.label} for ${nodeArch} → ${K0S_INSTALL_PATH} (${sizeText(binary.size)}, 0755, sha256 ${binary.sha256.slice(0, 12)}…)`,
    );
    const script = writeFilesScript({
      files: [
        {
          path: K0S_INSTALL_PATH,
          mode: "0755",
          sha256: binary.sha256,
          size: binary.size,
        },
      ],
      backupDir: backupDirFor(runId),
      allowedRoots: ["/etc/k0s/", "/usr/local/bin/"],
    });
    const stream = binary.open();
    const counted = withProgress(stream, job.log, K0S_INSTALL_PATH, binary.size);
    try {
      await shellOf(job).check(script, { stdin: counted, timeoutMs: 600_000 });
    } finally {
      // its file is closed even when the command never read it
      counted.destroy();
      stream.destroy();
    }
    job.log("info", `${K0S_INSTALL_PATH} written and its sha256 verified on the node`);
  });
}

const STATE_MARKER = "@@k0s-console-k0s-state@@";
const READ_BACK_MARKER = "@@k0s-console-read-back@@";
const printMarker = (marker: string) => `printf '%s\\n' ${shellQuote(marker)}`;

/** `sha256sum` of the files (a missing one just has no line) */
function readBackScript(files: readonly RenderedFile[]): string {
  return `${shellCommand(["sha256sum", ...files.map((file) => file.path)])} 2>/dev/null; true`;
}

/** The files whose `<sha256>  <path>` line is not in `sums`. */
function notMatching(files: readonly RenderedFile[], sums: string): string[] {
  const lines = new Set(sums.split("\n"));
  return files.filter((file) => !lines.has(`${file.sha256}  ${file.path}`)).map((f) => f.path);
}

/**
 * Mirror config before anything else: containerd must find it when k0s first starts it. The
 * files, the look at k0s's state and the files' read-back go in one exec.
 */
async function writeFiles(job: ApplyJob, runId: string): Promise<void> {
  const state = await job.stages.run("write files", async () => {
    const written = await writeNodeFiles(shellOf(job), job.files.files, {
      runId,
      onLine: (stream, line) => job.log(stream, line),
      after: [
        // temp files a killed write left behind (it could not clean up)
        cleanupTempFilesScript(K0S_DIR),
        cleanupTempFilesScript(K0S_BIN_DIR, { allowedRoots: [`${K0S_BIN_DIR}/`] }),
        sweepJoinTokenScript(),
        printMarker(STATE_MARKER),
        K0S_STATE_SCRIPT,
        printMarker(READ_BACK_MARKER),
        readBackScript(nodeTargets(job.files.files)),
      ].join("\n"),
    });
    // kept first: a rollback of this run needs them even if what follows failed
    job.result = { files: written.files };
    for (const outcome of written.files) {
      job.log(
        "info",
        `${outcome.status.padEnd(9)} ${outcome.path}${outcome.backup ? ` (previous version saved to ${outcome.backup})` : ""}`,
      );
    }
    const [stale = "", rest = ""] = written.afterOutput.split(`${STATE_MARKER}\n`);
    const [k0sState = "", readBack] = rest.split(`${READ_BACK_MARKER}\n`);
    if (written.code === null || readBack === undefined)
      throw new Error(
        `the files are written, but the ${written.code === null ? "connection dropped" : `node answered exit code ${written.code}`} before k0s's state was read`,
      );
    for (const path of stale.split("\n").filter(Boolean))
      job.log("info", `removed ${path}: ${leftBehind(path)}`);
    job.readBack = readBack;
    return parseK0sState(k0sState);
  });
  job.k0s = state;
  job.log("info", `k0s on this node: ${job.k0s}`);
  if (job.k0s === "absent") throw new Error(job.missingBinary ?? NO_BINARY);
}

function leftBehind(path: string): string {
  return path === JOIN_TOKEN_PATH
    ? "a join token left by an interrupted install"
    : "a temp file left by an interrupted write";
}

/** A joining node's source of join tokens: the initial controller, or why there is none. */
interface Joining {
  initial: ApplyJob | undefined;
  blocked: string | null;
}

/** The node's k0s stage as nodeSteps decides it from what the apply found there. */
async function installNode(
  job: ApplyJob,
  joining: Joining | null,
  options: ApplyOptions,
): Promise<void> {
  const steps = nodeSteps({
    name: job.node.name,
    role: job.node.role,
    initialController: joining === null,
    joinBlocked: joining?.blocked ?? null,
    k0s: job.k0s,
    binaries: {}, // uploaded already, in its own stage
    nodeBinarySha256: null,
    nodeArch: null,
    mirrorFiles: mirrorFilesOf(job.files.files.map((file) => file.path)),
  });
  if (steps.refusal) throw new Error(steps.refusal);
  const install = steps.install;
  if (!install) {
    job.log("info", steps.note);
    return;
  }
  job.readBack = null; // k0s runs from here on: verify reads the files again
  await job.stages.run(install.stage, async () => {
    const from = install.stage === "install k0s" ? joining?.initial : undefined;
    const joinToken = from
      ? await createToken(job, from, job.node.role === "worker" ? "worker" : "controller")
      : null;
    const upWithinSeconds = options.startTimeoutMs / 1000;
    const echo = [
      ...(joinToken ? [`write ${JOIN_TOKEN_PATH} (0600, removed when this command ends)`] : []),
      ...stepCommands(steps),
      `k0s status   # until it reports up, at most ${upWithinSeconds} s`,
    ].join("\n");
    // one exec: the token lives exactly as long as the commands that need it
    const script = installScript({
      steps: install.argv,
      joinToken: joinToken !== null,
      upWithinSeconds,
    });
    await run(job, script, {
      echo,
      stdin: joinToken ? `${joinToken}\n` : undefined,
      timeoutMs: options.startTimeoutMs + INSTALL_COMMANDS_TIMEOUT_MS,
    });
  });
  job.k0s = "running";
}

/** What `k0s install` and `k0s start` may take, before the wait for `k0s status`. */
const INSTALL_COMMANDS_TIMEOUT_MS = 120_000;

/** A join token from the initial controller for `job`; never logged. */
async function createToken(
  job: ApplyJob,
  from: ApplyJob,
  role: "controller" | "worker",
): Promise<string> {
  const create = shellCommand(["k0s", "token", "create", `--role=${role}`, "--expiry=1h"]);
  from.log("cmd", `${create}   # for ${job.node.name}`);
  const token = (
    await shellOf(from)
      .check(create)
      .catch((error: Error) => {
        throw new Error(`creating a ${role} join token on ${from.node.name}: ${error.message}`);
      })
  ).stdout.trim();
  if (!token) throw new Error(`${from.node.name} created an empty ${role} token`);
  job.log("info", `a ${role} join token from ${from.node.name} goes to ${JOIN_TOKEN_PATH}`);
  return token;
}

/** Reads the files back by checksum and, where workloads run, looks for image pull failures. */
async function verify(job: ApplyJob): Promise<void> {
  await job.stages.run("verify", async () => {
    const targets = nodeTargets(job.files.files);
    // nothing ran on the node since the write exec read the files back: that read-back counts
    const sums =
      job.readBack ??
      (await run(job, readBackScript(targets), { echo: "sha256sum of the files", quiet: true }))
        .stdout;
    const wrong = notMatching(targets, sums);
    if (wrong.length)
      throw new Error(`files differ from the rendered ones after writing: ${wrong.join(", ")}`);
    job.log(
      "info",
      `${targets.length} files match their rendered sha256${job.readBack === null ? "" : " (read back right after writing them)"}`,
    );
    if (!WORKLOADS.includes(job.node.role)) return;
    const pods = await run(job, "k0s kubectl get pods -A -o json", { quiet: true });
    const problems = imagePullProblems(pods.stdout);
    for (const problem of problems)
      job.log(
        "error",
        `${problem.pod}: ${problem.reason} pulling ${problem.image} ${problem.message}`,
      );
    if (problems.length) {
      throw new Error(
        `image pulls failing: ${problems.map((p) => `${p.image} (${p.reason})`).join(", ")} — check the mirror layout and that these images are in the registry`,
      );
    }
    job.log("info", "no image pull errors among the system pods");
  });
}

/** runLogged on the job's node, into the job's log. */
function run(job: ApplyJob, script: string, options: RunLoggedOptions = {}) {
  return runLogged(shellOf(job), job.log, script, options);
}
