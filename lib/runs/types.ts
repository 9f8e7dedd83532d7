/** Runs: what the API returns and the SSE stream carries. */

export type RunAction = "plan" | "apply" | "rollback" | "reset";
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

export interface RunEvent {
  /** increasing across the whole console: the SSE event id */
  id: number;
  runId: string;
  node: string | null;
  stream: EventStream;
  line: string;
  at: string;
}
