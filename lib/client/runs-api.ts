/** Browser-side calls to the runs API: start a run, list runs, read one, its log and live events. */
import type { z } from "zod";
import type { ClusterUp } from "@/lib/runs/cluster-end";
import type { FileChange, FilePlan } from "@/lib/runs/plan";
import type { PlanNodeResult } from "@/lib/runs/plan-node";
import type { RunModel } from "@/lib/runs/run-model";
import type { StartRunSchema } from "@/lib/runs/run-request";
import type { EventStream, Run, RunLineEvent, RunNode, RunSummary } from "@/lib/runs/types";
import { call } from "./api";

export type { ClusterUp } from "@/lib/runs/cluster-end";
export type { FileChange, FilePlan } from "@/lib/runs/plan";
export type * from "@/lib/runs/types";

/** A run with every node's stages and result, as GET /api/runs/<id> returns it. */
export type RunDetail = Run & {
  nodes: RunNode[];
  /** the id of the run's last event when this was read: the stream's older events are in it */
  lastEventId: number;
  /** each item's latest progress, by node ("" the run's own) and item: up to lastEventId in the
   * JSON, then kept current by the stream */
  progress?: RunModel["progress"];
  /** an apply's end state: the clusters it brought up */
  clusters?: ClusterUp[];
};

/** POST /api/runs: every action takes the same body (a rollback also names `fromRun`). */
export type StartRunRequest = z.input<typeof StartRunSchema>;

/** What a plan found on one node (RunNode.result of a plan run). */
export interface PlanResult {
  files: FilePlan[];
  commands: string[];
  /** what the apply will do there (plans made before it was recorded have none) */
  steps: PlanNodeResult["steps"] | null;
  readiness: PlanNodeResult["readiness"];
  /** the node's `uname -m` (plans made before it was recorded have none) */
  arch: string | null;
}

export function runPath(id: string): string {
  return `/runs/${encodeURIComponent(id)}`;
}

function apiPath(id: string, suffix = ""): string {
  return `/api/runs/${encodeURIComponent(id)}${suffix}`;
}

/** The run's events as Server-Sent Events; `after` resumes after that event id. */
export function runEventsUrl(id: string, after = 0): string {
  return apiPath(id, `/events${after > 0 ? `?after=${after}` : ""}`);
}

/** Which lines of a run's log: one node's, one stream's, those containing `q`. */
export interface LogFilter {
  node?: string;
  stream?: EventStream;
  q?: string;
}

function logQuery(filter: LogFilter & Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter))
    if (value !== undefined && value !== "") params.set(name, String(value));
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** The run's log as JSON lines (or plain text), whole or filtered. */
export function runLogHref(id: string, filter: LogFilter = {}, format?: "text"): string {
  return apiPath(id, `/log${logQuery({ ...filter, format })}`);
}

/**
 * The admin kubeconfig of a cluster the apply brought up, read from its controller now; with the
 * controller's sudo password when it is asked at run time (posted in the body, never in the URL).
 */
export async function fetchKubeconfig(
  id: string,
  controller: string,
  sudoPassword?: string,
): Promise<Blob> {
  const response =
    sudoPassword === undefined
      ? await call(apiPath(id, `/kubeconfig?node=${encodeURIComponent(controller)}`), {
          method: "GET",
          cache: "no-store",
        })
      : await call(apiPath(id, "/kubeconfig"), {
          method: "POST",
          cache: "no-store",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ node: controller, sudoPassword }),
        });
  return response.blob();
}

/** One page of the lines matching `filter` among all the run's stored lines. */
export interface LogSearchPage {
  events: RunLineEvent[];
  /** how many lines match in all */
  total: number;
  /** `after` for the next page; null after the last */
  next: number | null;
}

export async function searchRunLog(
  id: string,
  filter: LogFilter,
  after: number,
  signal?: AbortSignal,
): Promise<LogSearchPage> {
  const path = apiPath(id, `/log/search${logQuery({ ...filter, after: after || undefined })}`);
  const response = await call(path, { method: "GET", cache: "no-store", signal });
  return (await response.json()) as LogSearchPage;
}

export async function listRuns(signal?: AbortSignal): Promise<RunSummary[]> {
  const response = await call("/api/runs", { method: "GET", cache: "no-store", signal });
  return ((await response.json()) as { runs: RunSummary[] }).runs;
}

export async function getRun(id: string, signal?: AbortSignal): Promise<RunDetail> {
  const response = await call(apiPath(id), { method: "GET", cache: "no-store", signal });
  return ((await response.json()) as { run: RunDetail }).run;
}

/** Starts a run; resolves with its id (the work goes on on the server). */
export async function startRun(request: StartRunRequest): Promise<string> {
  const { sudoPasswords, ...rest } = request;
  const body =
    sudoPasswords && Object.keys(sudoPasswords).length > 0 ? { ...rest, sudoPasswords } : rest;
  const response = await call("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { id: string }).id;
}

const CHANGES: readonly string[] = ["create", "update", "unchanged"] satisfies FileChange[];

/** A plan node's result, or null when the node has none (yet) or it is not a plan's. */
export function planResultOf(result: unknown): PlanResult | null {
  if (!result || typeof result !== "object") return null;
  const { files, commands } = result as { files?: unknown; commands?: unknown };
  if (!Array.isArray(files)) return null;
  const valid = files.filter(
    (file): file is FilePlan =>
      !!file &&
      typeof file === "object" &&
      typeof (file as FilePlan).path === "string" &&
      CHANGES.includes((file as FilePlan).change),
  );
  return {
    files: valid.map((file) => ({
      ...file,
      note: typeof file.note === "string" && file.note ? file.note : null,
      diff: typeof file.diff === "string" ? file.diff : "",
    })),
    commands: Array.isArray(commands)
      ? commands.filter((command): command is string => typeof command === "string")
      : [],
    steps: (result as Partial<PlanNodeResult>).steps ?? null,
    readiness: (result as Partial<PlanNodeResult>).readiness ?? null,
    arch: (result as Partial<PlanNodeResult>).arch ?? null,
  };
}

/** Asks the console to cancel a running run. */
export async function cancelRun(id: string): Promise<void> {
  await call(`/api/runs/${encodeURIComponent(id)}/cancel`, { method: "POST" });
}

/** A new run of the same action on the nodes that did not succeed; resolves with its id. */
export async function retryRun(
  id: string,
  sudoPasswords?: Record<string, string>,
): Promise<string> {
  const response = await call(`/api/runs/${encodeURIComponent(id)}/retry`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(sudoPasswords ? { sudoPasswords } : {}),
  });
  return ((await response.json()) as { id: string }).id;
}
