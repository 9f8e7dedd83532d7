import type { Database } from "@/lib/inventory/db";
import { publish } from "./bus";
import { appendEvent, updateRunNode } from "./store";
import type { EventStream, NodeState, StageRecord } from "./types";

export type LogLine = (stream: EventStream, line: string) => void;

/** One node's log in a run: every line is stored (with its SSE id) and pushed to open streams. */
export function nodeLog(db: Database, runId: string, node: string | null): LogLine {
  return (stream, line) => publish(appendEvent({ db, runId, node, stream, line }));
}

/** Splits streamed output into lines; a partial last line waits for the rest (or for flush()). */
export function lineSplitter(emit: (line: string) => void): {
  push(chunk: string): void;
  flush(): void;
} {
  let pending = "";
  return {
    push(chunk) {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) emit(line);
    },
    flush() {
      if (pending) emit(pending);
      pending = "";
    },
  };
}

/** A node's stages in a run: each one timed, stored and announced as it starts and ends. */
export class StageTracker {
  private readonly stages: StageRecord[] = [];

  constructor(
    private readonly db: Database,
    private readonly runId: string,
    private readonly node: string,
    private readonly log: LogLine,
  ) {}

  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const record: StageRecord = {
      name,
      state: "running",
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
    };
    this.stages.push(record);
    this.save("running");
    this.log("stage", `▶ ${name}`);
    try {
      const result = await work();
      this.end(record, "succeeded", null);
      return result;
    } catch (error) {
      this.end(record, "failed", error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** The node's final state, with its result (for a plan: the diffs). */
  finish(state: NodeState, result?: unknown, error?: string): void {
    this.save(state, result, error);
  }

  private end(record: StageRecord, state: "succeeded" | "failed", error: string | null): void {
    record.state = state;
    record.finishedAt = new Date().toISOString();
    record.error = error;
    const seconds = ((Date.parse(record.finishedAt) - Date.parse(record.startedAt)) / 1000).toFixed(
      2,
    );
    this.log(
      "stage",
      `${state === "succeeded" ? "✔" : "✖"} ${record.name} (${seconds} s)${error ? `: ${error}` : ""}`,
    );
    this.save("running");
  }

  private save(state: NodeState, result?: unknown, error?: string): void {
    updateRunNode({
      db: this.db,
      runId: this.runId,
      node: this.node,
      state,
      stages: this.stages,
      result,
      error: error ?? null,
    });
  }
}
