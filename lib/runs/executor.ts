/**
 * Starts runs and drives them in the background of the console process: nodes in parallel up to
 * the run's limit, each through its stages; one node's failure never stops the others.
 */

import { randomBytes } from "node:crypto";
import type { K0sArch } from "@/lib/binaries/executable";
import type { StoredBinary } from "@/lib/binaries/store";
import { type ReadinessOverride, refusedNodes } from "@/lib/checks/readiness";
import { fleetReadiness } from "@/lib/checks/readiness-service";
import { nodeAccess, selectNodes } from "@/lib/fleet/node-access";
import { renderFleet } from "@/lib/fleet/render-fleet";
import type { Database } from "@/lib/inventory/db";
import { pinHostKey } from "@/lib/inventory/host-keys";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { listNodes } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import { getFleetSettings } from "@/lib/inventory/settings";
import type { NodePublic } from "@/lib/inventory/types";
import { CONTROL_PLANE } from "@/lib/render/nodes";
import type { RenderedNode } from "@/lib/render/types";
import { SshSession } from "@/lib/ssh/client";
import { RootShell } from "@/lib/ssh/root-shell";
import { mapLimit } from "@/lib/util/map-limit";
import { applyJobs } from "./apply";
import { type BinariesByArch, binaryInfo, recordedBinaries } from "./binary-choice";
import { publishEnd } from "./bus";
import { RunInputError } from "./errors";
import { checkHostsFree, heldHosts, type LockingRun } from "./host-lock";
import { type K0sBinary, loadK0sBinaries, storedK0sBinaries } from "./k0s-binary";
import { resetNode, rollbackNode } from "./maintenance";
import { guard, type NodeJob, settle } from "./node-job";
import { planNode } from "./plan-node";
import { gateApply } from "./readiness-gate";
import { type LogLine, nodeLog, StageTracker } from "./run-log";
import { createRun, finishRun, getRun } from "./store";
import type { NodeAction } from "./types";
import type { FileOutcome } from "./write-files";

export interface StartRunRequest {
  db: Database;
  key: SecretKey;
  action: NodeAction;
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
  /** apply: the sha256 of the stored k0s binary to upload to the nodes of each architecture (a
   * plan records them for its apply); k0sBinary: one for the nodes of its architecture, or for
   * every node when it is a script */
  k0sBinaries?: Partial<Record<K0sArch, string>>;
  k0sBinary?: string;
  /** apply: lets nodes that are not ready (failing, stale or unchecked checks) through, with a reason */
  overrideReadiness?: ReadinessOverride;
}

const DEFAULT_STAGE_TIMEOUT_SECONDS = 900;

/** Runs in progress in this process: to cancel them, and so that two never change one node at once. */
const ACTIVE_KEY = Symbol.for("k0rdent-console.active-runs");
type Active = Map<string, LockingRun & { cancel: () => void }>;
function activeRuns(): Active {
  const holder = globalThis as unknown as { [ACTIVE_KEY]?: Active };
  holder[ACTIVE_KEY] ??= new Map();
  return holder[ACTIVE_KEY];
}

/** Creates the run and starts it; returns its id at once, the work goes on in the background. */
export function startRun(request: StartRunRequest): { id: string; done: Promise<void> } {
  const { db } = request;
  const settings = getFleetSettings({ db });
  const fleet = listNodes({ db });
  const nodes = selectNodes(fleet, request.nodes);
  if (request.action === "rollback") checkRollbackSource(db, request.fromRun);
  const hosts = heldHosts(nodes);
  checkHostsFree(request.action, hosts, activeRuns());
  // named by their sha256 in the store (checked for every action; their version and
  // architecture for a plan or an apply); an apply reads them now
  const changes = request.action === "apply" || request.action === "plan";
  const stored = storedK0sBinaries(db, request, changes ? settings.k0sVersion : null);
  // after the request's own checks; reset and rollback need only a node that connects: they are
  // how a broken node gets fixed
  const gate = request.action === "apply" ? gateApply(db, nodes, request.overrideReadiness) : null;
  const binaries = request.action === "apply" ? loadK0sBinaries(db, stored) : {};
  // the whole fleet is rendered: a node's files, and which node initialises the cluster, must
  // not depend on which nodes this run takes (a retry takes only some)
  const wholeFleet = nodes.length ? renderFleet(settings, fleet).nodes : [];
  const rendered = nodes.map(
    (node) => wholeFleet.find((each) => each.name === node.name) as RenderedNode,
  );
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
    ...recordedBinaries(stored),
    retryOf: request.retryOf,
    fromPlan: request.fromPlan,
    fileHashes: Object.fromEntries(rendered.map((node) => [node.name, fileHashes(node)])),
    readiness: gate?.notReady,
    overrideReadiness: gate?.overrideReadiness,
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
    hosts,
    cancel: () => {
      cancelled.value = true;
      runLog("error", "cancelled: no new stage starts, running commands are interrupted");
      for (const job of jobs) job.shell?.session.close();
    },
  });
  const context = {
    request,
    id,
    jobs,
    limit,
    binaries,
    stored,
    initialController: initialController(fleet),
  };
  const done = runJobs({ ...context, cancelled, runLog }).finally(() => activeRuns().delete(id));
  return { id, done };
}

/** A rollback puts back an apply's backups: the run must be an apply, checked before any node is touched. */
function checkRollbackSource(db: Database, fromRun: string | undefined): void {
  if (!fromRun)
    throw new RunInputError("fromRun: a rollback needs the apply whose backups to restore");
  const source = getRun({ db, id: fromRun });
  if (!source) throw new RunInputError(`fromRun: there is no run ${fromRun}`);
  if (source.action !== "apply")
    throw new RunInputError(
      `fromRun: ${fromRun} is a ${source.action}, not an apply: only an apply leaves backups to restore`,
    );
}

/** The fleet's cluster is initialised by its first controller (single nodes are clusters of their own). */
function initialController(fleet: NodePublic[]): string | null {
  return (
    fleet.find((node) => node.role !== "single" && CONTROL_PLANE.includes(node.role))?.name ?? null
  );
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

/**
 * Registers a run that is not about nodes (a push) as running in this process, so that the runs'
 * cancel route reaches it; the returned function unregisters it.
 */
export function trackRun(id: string, run: LockingRun & { cancel: () => void }): () => void {
  activeRuns().set(id, run);
  return () => activeRuns().delete(id);
}

/** Cancels a run of this process; false when it is not running here. */
export function cancelRun(id: string): boolean {
  const run = activeRuns().get(id);
  run?.cancel();
  return run !== undefined;
}

async function runJobs(
  run: ActionContext & {
    cancelled: { value: boolean };
    /** the run's own lines (node null) */
    runLog: LogLine;
  },
): Promise<void> {
  const { request, id, jobs, limit, cancelled, runLog } = run;
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
    await ACTIONS[request.action](run);
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
    // announced first: a stream that sees the run finished has already been sent its state
    const finishedAt = new Date().toISOString();
    runLog.emit?.({ type: "state", status, finishedAt });
    await drained();
    finishRun({ db, id, status, finishedAt });
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

interface ActionContext {
  request: StartRunRequest;
  id: string;
  jobs: NodeJob[];
  limit: number;
  binaries: BinariesByArch<K0sBinary>;
  /** the stored binaries the run names (a plan records them for its apply) */
  stored: BinariesByArch<StoredBinary>;
  /** the node that initialises the fleet's cluster, whether this run takes it or not */
  initialController: string | null;
}

type ActionWork = (context: ActionContext) => Promise<void>;

const ACTIONS: Record<NodeAction, ActionWork> = {
  /** Dry run: each node's current files against the rendered ones; nothing is written. */
  plan: ({ request, jobs, limit, stored, initialController }) => {
    const nodes = jobs.map((job) => job.node);
    // what the checks gate would say of each node, were this an apply
    const notReady = refusedNodes(fleetReadiness({ db: request.db, nodes }), undefined);
    const context = {
      binaries: Object.fromEntries(
        Object.entries(stored).map(([arch, binary]) => [arch, binaryInfo(binary)]),
      ),
      initialController,
      initialInRun: nodes.some((node) => node.name === initialController),
      notReady: new Map(notReady.map((node) => [node.node, node])),
    };
    return eachNode(jobs, limit, async (job) => {
      job.result = await planNode(job, context);
    });
  },
  apply: ({ id, jobs, limit, binaries, initialController }) =>
    applyJobs(
      jobs.map((job) =>
        Object.assign(job, { k0s: "absent" as const, readBack: null, missingBinary: null }),
      ),
      {
        runId: id,
        concurrency: limit,
        startTimeoutMs: 120_000,
        binaries,
        initialController,
      },
    ),
  rollback: ({ request, jobs, limit }) => {
    const source = getRun({ db: request.db, id: request.fromRun ?? "" });
    return eachNode(jobs, limit, async (job) => {
      if (!source) throw new Error(`run ${request.fromRun} is gone from the history`);
      const result = source.nodes.find((node) => node.node === job.node.name)?.result as {
        files?: FileOutcome[];
      } | null;
      await rollbackNode(job, source.id, result?.files ?? null);
    });
  },
  reset: ({ jobs, limit }) =>
    eachNode(jobs, limit, (job) =>
      resetNode(
        job,
        job.files.files.map((file) => file.path),
      ),
    ),
};

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

export function runId(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\..*$/, "")
    .replace("T", "-");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}
