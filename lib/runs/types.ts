/** Runs: what the API returns and the SSE stream carries. */

export type RunAction = "plan" | "apply" | "rollback" | "reset" | "push";
/** The actions that work on nodes (a push works on the registry). */
export type NodeAction = Exclude<RunAction, "push">;
/** A pushed artifact's state (a dry run's artifacts are "planned"). */
export type ArtifactRunState = "queued" | "uploading" | "skipped" | "done" | "failed" | "planned";
export type RunStatus = "running" | "succeeded" | "failed" | "cancelled" | "interrupted";
export type NodeState =
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "interrupted";
export type StageState = "running" | "succeeded" | "failed" | "skipped" | "cancelled";
export type EventStream = "stdout" | "stderr" | "cmd" | "stage" | "info" | "error";

export interface StageRecord {
  name: string;
  state: StageState;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface RunNode {
  node: string;
  state: NodeState;
  stages: StageRecord[];
  result: unknown;
  error: string | null;
}

export interface Run {
  id: string;
  action: RunAction;
  status: RunStatus;
  startedBy: string;
  inputs: unknown;
  createdAt: string;
  finishedAt: string | null;
}

/** A run in the history (GET /api/runs): how many of its nodes are in each state. */
export type RunSummary = Run & { nodeCounts: Partial<Record<NodeState, number>> };

interface EventBase {
  /** increasing across the whole console: the SSE event id (lines and state share one sequence) */
  id: number;
  runId: string;
  at: string;
}

/** A log line (the only events the log download and search hold). */
export interface RunLineEvent extends EventBase {
  type: "line";
  node: string | null;
  stream: EventStream;
  line: string;
}

/** A node's state changed (a stage started or ended, the node finished): its whole record. */
export interface NodeStateEvent extends EventBase {
  type: "state";
  node: string;
  state: NodeState;
  stages: StageRecord[];
  error: string | null;
}

/** The run's own status changed (it finished). */
export interface RunStateEvent extends EventBase {
  type: "state";
  node: null;
  status: RunStatus;
  finishedAt: string | null;
}

/** How far a piece of work has got: `item` (e.g. a file) on `node` (null: the run's own). */
export interface ProgressEvent extends EventBase {
  type: "progress";
  node: string | null;
  item: string;
  done: number;
  /** null when the total is not known */
  total: number | null;
  unit: "bytes" | "items";
  /** a push's artifact (item = its target reference): its state, digest and the registry's error */
  state?: ArtifactRunState;
  artifact?: string;
  digest?: string;
  error?: string;
}

/** What a run's event stream carries, in one order. */
export type RunEvent = RunLineEvent | NodeStateEvent | RunStateEvent | ProgressEvent;

/** An event before it is stored: without its id. */
export type NewEvent = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, "id">
    : never
  : never;
