/**
 * Starts runs and drives them in the background of the console process: nodes in parallel up to
 * the run's limit, each through its stages; one node's failure never stops the others.
 */
import { randomBytes } from "node:crypto";
import { nodeAccess, selectNodes } from "@/lib/fleet/node-access";
import { renderFleet } from "@/lib/fleet/render-fleet";
import type { Database } from "@/lib/inventory/db";
import { pinHostKey } from "@/lib/inventory/host-keys";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { listNodes } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import { getFleetSettings } from "@/lib/inventory/settings";
import type { NodePublic } from "@/lib/inventory/types";
import type { RenderedNode } from "@/lib/render/types";
import { SshSession } from "@/lib/ssh/client";
import { RootShell } from "@/lib/ssh/root-shell";
import { mapLimit } from "@/lib/util/map-limit";
import { type ApplyJob, applyJobs } from "./apply";
import { publishEnd } from "./bus";
import { RunBusyError, RunInputError } from "./errors";
import { type K0sBinary, loadK0sBinary } from "./k0s-binary";
import { resetNode, rollbackNode } from "./maintenance";
import { planFiles } from "./plan";
import { type LogLine, nodeLog, StageTracker } from "./run-log";
import { createRun, finishRun, getRun } from "./store";
import type { RunAction } from "./types";
import { type FileOutcome, readNodeFiles } from "./write-files";

export interface StartRunRequest {
  db: Database;
  key: SecretKey;
  action: RunAction;
  nodes: string[] | "all";
  startedBy: string;
  /** sudo passwords asked at run time: kept in memory for this run only */
  sudoPasswords?: Record<string, string>;
  concurrency?: number;
  /** default 900 */
  stageTimeoutSeconds?: number;
  /** rollback: the run whose backups are put back */
  fromRun?: string;
  /** apply: the plan it carries out; refused when the files now differ from what the plan showed */
  fromPlan?: string;
  /** retry: the run this one repeats for its failed nodes */
  retryOf?: string;
  /** apply: a k0s binary on the console machine to upload (absolute path) */
  k0sBinary?: string;
}

interface NodeJob {
  node: NodePublic;
  files: RenderedNode;
  log: LogLine;
  stages: StageTracker;
  shell: RootShell | null;
  failure: string | null;
  result?: unknown;
  /** its final state is recorded (as soon as it is done, not when the whole run is) */
  settled: boolean;
  /** a stage outlasted the stage timeout: its session is closed, no new one is kept */
  interrupted: boolean;
  /** shared by every job of the run */
  cancelled: { value: boolean };
}

const DEFAULT_STAGE_TIMEOUT_SECONDS = 900;

/** Runs in progress in this process: to cancel them, and so that two never change one node at once. */
const ACTIVE_KEY = Symbol.for("k0rdent-console.active-runs");
type Active = Map<string, { cancel: () => void; action: RunAction; nodes: string[] }>;
function activeRuns(): Active {
  const holder = globalThis as unknown as { [ACTIVE_KEY]?: Active };
  holder[ACTIVE_KEY] ??= new Map();
  return holder[ACTIVE_KEY];
}

/** Creates the run and starts it; returns its id at once, the work goes on in the background. */
export function startRun(request: StartRunRequest): { id: string; done: Promise<void> } {
  const { db } = request;
  const settings = getFleetSettings({ db });
  const nodes = selectNodes(listNodes({ db }), request.nodes);
  if (request.action === "rollback" && !request.fromRun) {
    throw new RunInputError("fromRun: a rollback needs the run whose backups to restore");
  }
  checkNotBusy(
    request.action,
    nodes.map((node) => node.name),
  );
  const binary =
    request.action === "apply" && request.k0sBinary ? loadK0sBinary(request.k0sBinary) : null;
  const rendered = nodes.length ? renderFleet(settings, nodes).nodes : [];
  if (request.action === "apply" && request.fromPlan)
    checkPlanStillHolds(db, request.fromPlan, rendered);
  const id = runId();
  const limit = request.concurrency ?? 30;
  const stageTimeoutSeconds = request.stageTimeoutSeconds ?? DEFAULT_STAGE_TIMEOUT_SECONDS;
  const inputs = {
    nodes: nodes.map((node) => node.name),
    settings: { ...settings, catalog: undefined },
    concurrency: limit,
    stageTimeoutSeconds,
    fromRun: request.fromRun,
    k0sBinary: request.k0sBinary,
    retryOf: request.retryOf,
    fromPlan: request.fromPlan,
    fileHashes: Object.fromEntries(rendered.map((node) => [node.name, fileHashes(node)])),
  };
  const createdAt = new Date().toISOString();
  createRun({
    db,
    run: {
      id,
      action: request.action,
      status: "running",
      startedBy: request.startedBy,
      inputs,
      createdAt,
    },
    nodes: inputs.nodes,
  });
  const cancelled = { value: false };
  const jobs = nodes.map((node, index): NodeJob => {
    const log = nodeLog(db, id, node.name);
    const files = rendered[index] as RenderedNode;
    const job: NodeJob = {
      node,
      files,
      log,
      // a stage past its time is interrupted by closing the node's session
      stages: new StageTracker(db, id, node.name, log, {
        timeoutMs: stageTimeoutSeconds * 1000,
        interrupt: () => {
          job.interrupted = true;
          job.shell?.session.close();
        },
      }),
      shell: null,
      failure: null,
      settled: false,
      interrupted: false,
      cancelled,
    };
    return job;
  });
  const runLog = nodeLog(db, id, null);
  activeRuns().set(id, {
    action: request.action,
    nodes: inputs.nodes,
    cancel: () => {
      cancelled.value = true;
      runLog("error", "cancelled: no new stage starts, running commands are interrupted");
      for (const job of jobs) job.shell?.session.close();
    },
  });
  const done = runJobs({ request, id, jobs, limit, cancelled, binary, runLog }).finally(() =>
    activeRuns().delete(id),
  );
  return { id, done };
}

/**
 * Two runs that change nodes (apply, rollback, reset) never work on the same node at once: their
 * writes, installs and resets would interleave. Plans only read, and may overlap anything.
 */
function checkNotBusy(action: RunAction, nodes: string[]): void {
  if (action === "plan") return;
  for (const [id, run] of activeRuns()) {
    if (run.action === "plan") continue;
    const shared = nodes.filter((node) => run.nodes.includes(node));
    if (shared.length > 0)
      throw new RunBusyError(
        `${shared.join(", ")} ${shared.length === 1 ? "is" : "are"} being changed by run ${id} (${run.action}): wait for it to finish, or cancel it`,
      );
  }
}

/** What the run records of a node's files: each path and its sha256. */
function fileHashes(node: RenderedNode): { path: string; sha256: string }[] {
  return node.files.map(({ path, sha256 }) => ({ path, sha256 }));
}

/** An apply from a plan writes exactly what the plan showed, or does not start. */
function checkPlanStillHolds(db: Database, planId: string, rendered: RenderedNode[]): void {
  const plan = getRun({ db, id: planId });
  if (plan?.action !== "plan") throw new RunInputError(`fromPlan: ${planId} is not a plan run`);
  const planned = (plan.inputs as { fileHashes?: Record<string, unknown> }).fileHashes ?? {};
  const differ = rendered
    .filter((node) => JSON.stringify(planned[node.name]) !== JSON.stringify(fileHashes(node)))
    .map((node) => node.name);
  if (differ.length > 0)
    throw new RunInputError(
      `fromPlan: the files for ${differ.join(", ")} are not what plan ${planId} showed (the settings, the nodes or the catalog changed since, or a node was not in it): plan again`,
    );
}

/** Cancels a run of this process; false when it is not running here. */
export function cancelRun(id: string): boolean {
  const run = activeRuns().get(id);
  run?.cancel();
  return run !== undefined;
}

async function runJobs({
  request,
  id,
  jobs,
  limit,
  cancelled,
  binary,
  runLog,
}: {
  request: StartRunRequest;
  id: string;
  jobs: NodeJob[];
  limit: number;
  cancelled: { value: boolean };
  binary: K0sBinary | null;
  /** the run's own lines (node null) */
  runLog: LogLine;
}): Promise<void> {
  const { db } = request;
  // every line of this run is stored before the run reads as finished, or its stream ends
  const drained = () =>
    Promise.all([runLog, ...jobs.map((job) => job.log)].map((log) => log.drained?.()));
  runLog(
    "info",
    `${request.action} on ${jobs.length} node${jobs.length === 1 ? "" : "s"}, ${limit} at a time`,
  );
  try {
    await mapLimit(jobs, limit, (job) => connect(request, job));
    await ACTIONS[request.action]({ request, id, jobs, limit, binary });
    for (const job of jobs) settle(job);
    // which node, in which stage, why
    const failed = jobs.flatMap((job) => {
      if (!job.failure) return [];
      const stage = job.stages.failedStage();
      return [`${job.node.name}${stage ? ` (${stage})` : ""}: ${job.failure}`];
    });
    const status = cancelled.value ? "cancelled" : failed.length ? "failed" : "succeeded";
    runLog(
      failed.length ? "error" : "info",
      failed.length
        ? `${status} on ${failed.length} node${failed.length === 1 ? "" : "s"} — ${failed.join("; ")}`
        : `${request.action} finished on every node`,
    );
    await drained();
    finishRun({ db, id, status });
  } finally {
    for (const job of jobs) job.shell?.session.close();
    await drained();
    publishEnd(id);
  }
}

/** Opens the node's root shell (pinned host key, bastion, sudo); a failure is the node's reason. */
async function connect(request: StartRunRequest, job: NodeJob): Promise<void> {
  const { db, key } = request;
  await guard(job, async () => {
    const access = nodeAccess(
      nodeConnection({ db, key, name: job.node.name }),
      request.sudoPasswords?.[job.node.name],
    );
    if (!access.ok) throw new Error(access.reason);
    const session = await job.stages.run("connect", async () => {
      const via = access.bastion ? ` via ${access.bastion.host}` : "";
      job.log(
        "cmd",
        `ssh ${access.endpoint.username}@${access.endpoint.host}:${access.endpoint.port}${via}`,
      );
      const opened = await SshSession.open(access.endpoint, {
        bastion: access.bastion ?? undefined,
      });
      if (job.interrupted) {
        // the stage timed out while connecting: this late session is not used
        opened.close();
        throw new Error("connected after the stage timeout");
      }
      if (!access.endpoint.hostKey.pinned)
        pinHostKey({ db, name: job.node.name, hostKey: opened.hostKey });
      job.log("info", `connected, host key ${opened.hostKey.type} ${opened.hostKey.fingerprint}`);
      return opened;
    });
    job.shell = new RootShell(session, access.privilege, access.sudoPassword);
  });
}

/** Runs a node's work unless it already failed; an error becomes the node's failure and settles it. */
async function guard(job: NodeJob, work: () => Promise<void>): Promise<void> {
  if (job.failure) return;
  if (job.cancelled.value) {
    job.failure = "cancelled";
    settle(job);
    return;
  }
  try {
    await work();
  } catch (error) {
    job.failure = error instanceof Error ? error.message : String(error);
    job.log("error", job.failure);
    settle(job);
  }
}

/** Records the node's final state, once. */
function settle(job: NodeJob): void {
  if (job.settled) return;
  job.settled = true;
  if (job.failure === null) job.stages.finish("succeeded", job.result);
  else job.stages.finish(job.cancelled.value ? "cancelled" : "failed", job.result, job.failure);
}

function connected(job: NodeJob): RootShell {
  if (!job.shell) throw new Error("not connected");
  return job.shell;
}

interface ActionContext {
  request: StartRunRequest;
  id: string;
  jobs: NodeJob[];
  limit: number;
  binary: K0sBinary | null;
}

type ActionWork = (context: ActionContext) => Promise<void>;

const ACTIONS: Record<RunAction, ActionWork> = {
  /** Dry run: each node's current files against the rendered ones; nothing is written. */
  plan: ({ jobs, limit }) =>
    eachNode(jobs, limit, async (job) => {
      job.result = await job.stages.run("read current files", async () => {
        const paths = job.files.files
          .map((file) => file.path)
          .filter((path) => path.startsWith("/"));
        job.log("cmd", `read ${paths.length} files under /etc/k0s`);
        const files = planFiles(job.files.files, await readNodeFiles(connected(job), paths));
        for (const file of files)
          job.log(
            "info",
            `${file.change.padEnd(9)} ${file.path}${file.note ? ` (${file.note})` : ""}`,
          );
        return { files, commands: installCommands(job.files) };
      });
    }),
  apply: async ({ id, jobs, limit, binary }) => {
    const applying = jobs.map(
      (job): ApplyJob => ({
        name: job.node.name,
        role: job.node.role,
        files: job.files,
        log: job.log,
        stages: job.stages,
        shell: job.shell,
        k0s: "absent",
        readBack: null,
        failure: job.failure,
        result: undefined,
      }),
    );
    await applyJobs(applying, {
      runId: id,
      concurrency: limit,
      startTimeoutMs: 120_000,
      pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      cancelled: () => jobs[0]?.cancelled.value === true,
      binary,
      onSettled: (applied) => {
        const job = jobs[applying.indexOf(applied)] as NodeJob;
        copyBack(applied, job);
        settle(job);
      },
    });
    for (const [index, applied] of applying.entries()) copyBack(applied, jobs[index] as NodeJob);
  },
  rollback: ({ request, jobs, limit }) => {
    const source = getRun({ db: request.db, id: request.fromRun ?? "" });
    return eachNode(jobs, limit, async (job) => {
      if (!source) throw new Error(`no run ${request.fromRun}`);
      const result = source.nodes.find((node) => node.node === job.node.name)?.result as {
        files?: FileOutcome[];
      } | null;
      await rollbackNode(
        { name: job.node.name, shell: connected(job), log: job.log, stages: job.stages },
        source.id,
        result?.files ?? null,
      );
    });
  },
  reset: ({ jobs, limit }) =>
    eachNode(jobs, limit, (job) =>
      resetNode(
        { name: job.node.name, shell: connected(job), log: job.log, stages: job.stages },
        job.files.files.map((file) => file.path),
      ),
    ),
};

function copyBack(applied: ApplyJob, job: NodeJob): void {
  job.failure = applied.failure;
  job.result = applied.result;
}

async function eachNode(
  jobs: NodeJob[],
  limit: number,
  work: (job: NodeJob) => Promise<void>,
): Promise<void> {
  await mapLimit(jobs, limit, async (job) => {
    await guard(job, () => work(job));
    settle(job);
  });
}

/** The install commands the apply would run on this node, as in its install.sh. */
function installCommands(node: RenderedNode): string[] {
  const script = node.files.find((file) => file.path === "install.sh")?.content ?? "";
  return script.split("\n").filter((line) => line && !line.startsWith("#") && line !== "set -eu");
}

function runId(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\..*$/, "")
    .replace("T", "-");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}
