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
import { publishEnd } from "./bus";
import { planFiles } from "./plan";
import { type LogLine, nodeLog, StageTracker } from "./run-log";
import { createRun, finishRun } from "./store";
import type { RunAction } from "./types";
import { readNodeFiles } from "./write-files";

export interface StartRunRequest {
  db: Database;
  key: SecretKey;
  action: RunAction;
  nodes: string[] | "all";
  startedBy: string;
  /** sudo passwords asked at run time: kept in memory for this run only */
  sudoPasswords?: Record<string, string>;
  concurrency?: number;
}

interface NodeJob {
  node: NodePublic;
  files: RenderedNode;
  log: LogLine;
  stages: StageTracker;
}

/** Creates the run and starts it; resolves with its id at once, the work goes on in the background. */
export function startRun(request: StartRunRequest): { id: string; done: Promise<void> } {
  const { db } = request;
  const settings = getFleetSettings({ db });
  const nodes = selectNodes(listNodes({ db }), request.nodes);
  const rendered = nodes.length ? renderFleet(settings, nodes).nodes : [];
  const id = runId();
  const inputs = {
    nodes: nodes.map((node) => node.name),
    settings: { ...settings, catalog: undefined },
    concurrency: request.concurrency ?? 30,
  };
  createRun({
    db,
    run: {
      id,
      action: request.action,
      status: "running",
      startedBy: request.startedBy,
      inputs,
      createdAt: new Date().toISOString(),
    },
    nodes: inputs.nodes,
  });
  const jobs = nodes.map((node, index): NodeJob => {
    const log = nodeLog(db, id, node.name);
    return {
      node,
      files: rendered[index] as RenderedNode,
      log,
      stages: new StageTracker(db, id, node.name, log),
    };
  });
  const done = runJobs(request, id, jobs);
  return { id, done };
}

async function runJobs(request: StartRunRequest, id: string, jobs: NodeJob[]): Promise<void> {
  const { db } = request;
  const runLog = nodeLog(db, id, null);
  runLog(
    "info",
    `${request.action} on ${jobs.length} node${jobs.length === 1 ? "" : "s"}, ${request.concurrency ?? 30} at a time`,
  );
  const outcomes = await mapLimit(jobs, request.concurrency ?? 30, (job) => runNode(request, job));
  const failed = jobs.filter((_, index) => !outcomes[index]).map((job) => job.node.name);
  runLog(
    failed.length ? "error" : "info",
    failed.length ? `failed on ${failed.join(", ")}` : `${request.action} finished on every node`,
  );
  finishRun({ db, id, status: failed.length ? "failed" : "succeeded" });
  publishEnd(id);
}

/** One node, start to end; resolves true on success. Errors are the node's, never the run's. */
async function runNode(request: StartRunRequest, job: NodeJob): Promise<boolean> {
  const { db, key } = request;
  const { node, log, stages } = job;
  let session: SshSession | undefined;
  try {
    const access = nodeAccess(
      nodeConnection({ db, key, name: node.name }),
      request.sudoPasswords?.[node.name],
    );
    if (!access.ok) throw new Error(access.reason);
    session = await stages.run("connect", async () => {
      log(
        "cmd",
        `ssh ${access.endpoint.username}@${access.endpoint.host}:${access.endpoint.port}${access.bastion ? ` via ${access.bastion.host}` : ""}`,
      );
      const opened = await SshSession.open(access.endpoint, {
        bastion: access.bastion ?? undefined,
      });
      if (!access.endpoint.hostKey.pinned)
        pinHostKey({ db, name: node.name, hostKey: opened.hostKey });
      log("info", `connected, host key ${opened.hostKey.type} ${opened.hostKey.fingerprint}`);
      return opened;
    });
    const shell = new RootShell(session, access.privilege, access.sudoPassword);
    const result = await stages.run("read current files", async () => {
      const paths = job.files.files.map((file) => file.path).filter((path) => path.startsWith("/"));
      log("cmd", `read ${paths.length} files under /etc/k0s`);
      const plan = planFiles(job.files.files, await readNodeFiles(shell, paths));
      for (const file of plan)
        log("info", `${file.change.padEnd(9)} ${file.path}${file.note ? ` (${file.note})` : ""}`);
      return { files: plan, commands: installCommands(job.files) };
    });
    stages.finish("succeeded", result);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log("error", message);
    stages.finish("failed", undefined, message);
    return false;
  } finally {
    session?.close();
  }
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
