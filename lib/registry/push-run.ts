/**
 * The push as a run (action "push"): a bundle of CONSOLE_BUNDLES_DIR into the registry of the
 * settings (through `via` when set), with its history among the other runs. The run has one part,
 * "registry", whose stage is the push; every artifact's state is a progress event (item = its
 * target reference) and, at the end, the part's result: one place records both. A cancel aborts
 * the engine; a new push skips what the registry already holds (resume). Server-only.
 */
import { dirname } from "node:path";
import type { Database } from "@/lib/inventory/db";
import { registryConnection } from "@/lib/inventory/registry-settings";
import type { SecretKey } from "@/lib/inventory/secrets";
import { publishEnd } from "@/lib/runs/bus";
import { runId, trackRun } from "@/lib/runs/executor";
import { type LogLine, nodeLog, StageTracker } from "@/lib/runs/run-log";
import { createRun, finishRun } from "@/lib/runs/store";
import type { ArtifactRunState, RunStatus } from "@/lib/runs/types";
import { uploadedBundlePath } from "./bundle-uploads";
import { resolveBundle } from "./bundles-dir";
import { RegistryClient } from "./client";
import { pushBundle } from "./push";
import type { PushEvent, PushSummary } from "./push-events";
import { BUNDLE_READ, PUSH_PART } from "./push-progress";
import { type RegistryReach, reachRegistry } from "./reach";

export interface StartPushRequest {
  db: Database;
  key: SecretKey;
  /** the bundle: a name in CONSOLE_BUNDLES_DIR, or the sha256 of an upload (one of the two) */
  source: { bundle: string } | { upload: string };
  bundlesDir: string | undefined;
  concurrency?: number;
  dryRun?: boolean;
  startedBy: string;
}

/** An artifact as the run records it. */
export interface PushedArtifact {
  artifact: string;
  reference: string;
  state: ArtifactRunState;
  digest?: string;
  uploadedBytes?: number;
  error?: string;
}

/** Checks the source, creates the run and starts it; the push goes on in the background. */
export async function startPushRun(
  request: StartPushRequest,
): Promise<{ id: string; done: Promise<void> }> {
  const { db } = request;
  const path =
    "upload" in request.source
      ? await uploadedBundlePath(db, request.source.upload)
      : await resolveBundle(request.bundlesDir, request.source.bundle, dirname(db.name));
  const { effective } = registryConnection(request);
  const id = runId();
  const concurrency = request.concurrency ?? 4;
  const dryRun = request.dryRun ?? false;
  createRun({
    db,
    run: {
      id,
      action: "push",
      status: "running",
      startedBy: request.startedBy,
      inputs: {
        ...request.source,
        concurrency,
        dryRun,
        registry: { address: effective.address, prefix: effective.prefix, via: effective.via },
      },
      createdAt: new Date().toISOString(),
    },
    nodes: [PUSH_PART],
  });
  const abort = new AbortController();
  const runLog = nodeLog(db, id, null);
  const untrack = trackRun(id, {
    action: "push",
    hosts: [],
    cancel: () => {
      runLog("error", "cancelled: the push stops; push again to resume");
      abort.abort(new Error("cancelled"));
    },
  });
  const job = { ...request, id, path, prefix: effective.prefix ?? "", concurrency, dryRun };
  const done = runPush(job, runLog, abort.signal).finally(untrack);
  return { id, done };
}

interface PushJob extends StartPushRequest {
  id: string;
  path: string;
  prefix: string;
  concurrency: number;
  dryRun: boolean;
}

async function runPush(job: PushJob, runLog: LogLine, signal: AbortSignal): Promise<void> {
  const { db, id } = job;
  const log = nodeLog(db, id, PUSH_PART);
  const stages = new StageTracker(db, id, PUSH_PART, log);
  const artifacts = new ArtifactRecord(log, runLog);
  const drained = () => Promise.all([runLog.drained?.(), log.drained?.()]);
  runLog(
    "info",
    `${job.dryRun ? "dry run of the push" : "push"} of ${sourceName(job.source)}, ${job.concurrency} at a time`,
  );
  let status: RunStatus = "succeeded";
  let error: string | undefined;
  try {
    const summary = await stages.run(job.dryRun ? "plan" : "push", () =>
      pushWith(job, signal, (event) => artifacts.record(event)),
    );
    runLog("info", summaryLine(summary, job.dryRun));
    if (summary.failed > 0) {
      status = "failed";
      error = `${summary.failed} artifact${summary.failed === 1 ? "" : "s"} failed`;
    }
  } catch (cause) {
    status = signal.aborted ? "cancelled" : "failed";
    error = signal.aborted ? "cancelled" : cause instanceof Error ? cause.message : String(cause);
    runLog("error", error);
  }
  try {
    stages.finish(status === "succeeded" ? "succeeded" : status, artifacts.list(), error);
    // every artifact's last state is on the stream before the run reads as finished there
    await log.drained?.();
    const finishedAt = new Date().toISOString();
    runLog.emit?.({ type: "state", status, finishedAt });
    await drained();
    finishRun({ db, id, status, finishedAt });
  } finally {
    await drained();
    publishEnd(id);
  }
}

/** The engine with a client on the registry of the settings (none for a dry run), closed after. */
async function pushWith(
  job: PushJob,
  signal: AbortSignal,
  onEvent: (event: PushEvent) => void,
): Promise<PushSummary> {
  const options = { prefix: job.prefix, concurrency: job.concurrency, signal, onEvent };
  if (job.dryRun) return pushBundle(job.path, options);
  const reach: RegistryReach = await reachRegistry(job);
  const client = new RegistryClient(reach.connection);
  try {
    return await pushBundle(job.path, { ...options, client });
  } finally {
    client.close();
    reach.close();
  }
}

function sourceName(source: StartPushRequest["source"]): string {
  return "upload" in source ? `the upload ${source.upload.slice(0, 12)}…` : source.bundle;
}

function summaryLine(summary: PushSummary, dryRun: boolean): string {
  const count = (state: string) => summary.artifacts.filter((a) => a.state === state).length;
  if (dryRun) return `${count("planned")} artifacts would be pushed, ${summary.failed} refused`;
  return `${count("done")} pushed, ${count("skipped")} already there, ${summary.failed} failed; ${summary.uploadedBytes} bytes uploaded, ${summary.skippedBytes} bytes already there`;
}

/**
 * Every artifact's latest state: each engine event becomes one progress event on the stream and
 * the artifact's entry in the run's record (list(), stored as the part's result).
 */
class ArtifactRecord {
  private readonly artifacts = new Map<string, PushedArtifact>();

  constructor(
    private readonly log: LogLine,
    private readonly runLog: LogLine,
  ) {}

  record(event: PushEvent): void {
    if (event.type === "progress") {
      this.runLog.emit?.({
        type: "progress",
        item: BUNDLE_READ,
        done: event.readBytes,
        total: event.totalBytes || null,
        unit: "bytes",
      });
      return;
    }
    const reference = event.reference ?? event.artifact;
    const entry: PushedArtifact = { artifact: event.artifact, reference, state: event.state };
    let done = 0;
    let total: number | null = null;
    if (event.state === "uploading") {
      done = event.bytes;
      total = event.total;
    } else if (event.state === "done") {
      entry.digest = event.digest;
      entry.uploadedBytes = event.uploadedBytes;
      done = event.uploadedBytes;
    } else if (event.state === "skipped" || event.state === "planned") {
      entry.digest = event.digest;
      if (event.state === "planned") total = event.size;
    } else if (event.state === "failed") {
      entry.error = event.error.message;
      this.log("error", `${reference}: ${entry.error}`);
    }
    this.artifacts.set(reference, entry);
    this.log.emit?.({
      type: "progress",
      item: reference,
      done,
      total,
      unit: "bytes",
      state: event.state,
      artifact: event.artifact,
      ...(entry.digest ? { digest: entry.digest } : {}),
      ...(entry.error ? { error: entry.error } : {}),
    });
  }

  list(): PushedArtifact[] {
    return [...this.artifacts.values()];
  }
}
