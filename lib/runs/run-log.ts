import type { Database } from "@/lib/inventory/db";
import { SshError } from "@/lib/ssh/errors";
import type { RootShell } from "@/lib/ssh/root-shell";
import { publish } from "./bus";
import { appendEvents, updateRunNode } from "./store";
import type {
  EventStream,
  NewEvent,
  NodeState,
  NodeStateEvent,
  ProgressEvent,
  RunStateEvent,
  StageRecord,
} from "./types";

/** A typed event as its log emits it: the log adds the run, the node and the time. */
export type LogEvent =
  | Omit<NodeStateEvent, "id" | "runId" | "node" | "at">
  | Omit<RunStateEvent, "id" | "runId" | "node" | "at">
  | Omit<ProgressEvent, "id" | "runId" | "node" | "at">;

/** One node's log in a run (or the run's own, node null). */
export interface LogLine {
  (stream: EventStream, line: string): void;
  /** queues a typed event behind the lines logged so far (same order, same ids) */
  emit?: (event: LogEvent) => void;
  /** while this log is far behind, a promise to wait for before reading more output */
  backlog?: () => Promise<void> | undefined;
  /** settles once every line logged so far is stored and published */
  drained?: () => Promise<void>;
}

/** Lines stored per turn of the event loop, shared out between the logs that have some waiting. */
const SLICE = 1_000;
/** Waiting lines above which a log asks its producer to pause (backlog). */
const HIGH_WATER = 20_000;
/** Stored lines dropped from the front of a queue once this many pile up. */
const COMPACT_AT = 50_000;

/** The lines of one log waiting to be stored, in order. */
class LogQueue {
  private lines: NewEvent[] = [];
  private next = 0;
  private relief: { promise: Promise<void>; resolve: () => void } | null = null;
  private drainedWaiters: (() => void)[] = [];

  constructor(readonly db: Database) {}

  get waiting(): number {
    return this.lines.length - this.next;
  }

  push(event: NewEvent): void {
    this.lines.push(event);
  }

  /** Up to `count` lines, oldest first, taken off the queue. */
  take(count: number): NewEvent[] {
    const end = Math.min(this.next + count, this.lines.length);
    const taken = this.lines.slice(this.next, end);
    this.next = end;
    if (this.next === this.lines.length || this.next >= COMPACT_AT) {
      // a flood that never lets the queue empty must not keep every stored line in memory
      this.lines = this.lines.slice(this.next);
      this.next = 0;
    }
    if (this.relief && this.waiting < HIGH_WATER / 2) {
      this.relief.resolve();
      this.relief = null;
    }
    return taken;
  }

  /** Settles once every line pushed so far is stored (the writer stores what it takes at once). */
  drained(): Promise<void> {
    if (this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  /** Called by the writer once what it took is stored. */
  stored(): void {
    if (this.waiting === 0) for (const resolve of this.drainedWaiters.splice(0)) resolve();
  }

  backlog(): Promise<void> | undefined {
    if (this.waiting < HIGH_WATER) return undefined;
    if (!this.relief) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.relief = { promise, resolve };
    }
    return this.relief.promise;
  }
}

/**
 * The console's log writer: each log's lines are queued, then stored and published a slice at a
 * time, one transaction per slice and one slice per turn of the event loop, the slice shared out
 * between the logs that have lines waiting. A node that floods output costs one transaction per
 * thousand lines, is paused by SSH flow control when it gets far ahead (backlog), and never
 * delays another node's lines by more than one slice. One per process.
 */
class LogWriter {
  /** the queues with lines waiting, in the order they got them */
  private readonly active = new Set<LogQueue>();
  private scheduled = false;

  add(queue: LogQueue, event: NewEvent): void {
    queue.push(event);
    this.active.add(queue);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    const share = Math.ceil(SLICE / this.active.size);
    const queues = [...this.active];
    const slices = new Map<Database, NewEvent[]>();
    for (const queue of queues) {
      const slice = slices.get(queue.db) ?? [];
      slice.push(...queue.take(share));
      slices.set(queue.db, slice);
      if (queue.waiting === 0) this.active.delete(queue);
    }
    // one transaction per database (a console has one)
    for (const [db, events] of slices) this.store(db, events);
    for (const queue of queues) queue.stored();
    if (this.active.size > 0) setImmediate(() => this.drain());
    else this.scheduled = false;
  }

  private store(db: Database, events: NewEvent[]): void {
    try {
      for (const event of appendEvents(db, events)) publish(event);
    } catch (error) {
      // a closed database (the console is stopping): those lines cannot be kept anywhere
      console.error(
        `run log: ${events.length} line(s) of run ${events[0]?.runId} not stored: ${String(error)}`,
      );
    }
  }
}

const WRITER_KEY = Symbol.for("k0rdent-console.log-writer");

/** The one writer of this process (shared by every bundle of the app, like the bus). */
function writer(): LogWriter {
  const holder = globalThis as unknown as { [WRITER_KEY]?: LogWriter };
  holder[WRITER_KEY] ??= new LogWriter();
  return holder[WRITER_KEY];
}

/**
 * One node's log in a run: every line is stored (with its SSE id) and pushed to open streams,
 * in order, on the next turns of the event loop (see LogWriter).
 */
export function nodeLog(db: Database, runId: string, node: string | null): LogLine {
  const queue = new LogQueue(db);
  const log: LogLine = (stream, line) =>
    writer().add(queue, { type: "line", runId, node, stream, line, at: new Date().toISOString() });
  log.emit = (event) =>
    writer().add(queue, { ...event, runId, node, at: new Date().toISOString() } as NewEvent);
  log.backlog = () => queue.backlog();
  log.drained = () => queue.drained();
  return log;
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

export interface RunLoggedOptions {
  /** what the log shows as the command (default: the script) */
  echo?: string;
  /** keep stdout out of the log (JSON to parse, …) */
  quiet?: boolean;
  timeoutMs?: number;
  /** bytes for the script's stdin (never logged) */
  stdin?: string;
}

/**
 * Runs a script as root, echoing it first and streaming its output into `log` line by line;
 * reading pauses while the log writer is far behind. A non-zero exit is an error naming the command.
 */
export async function runLogged(
  shell: RootShell,
  log: LogLine,
  script: string,
  { echo = script, quiet = false, timeoutMs, stdin }: RunLoggedOptions = {},
) {
  log("cmd", echo);
  const stdout = lineSplitter((line) => log("stdout", line));
  const stderr = lineSplitter((line) => log("stderr", line));
  try {
    return await shell.check(script, {
      timeoutMs,
      stdin,
      onStdout: quiet ? undefined : (chunk) => stdout.push(chunk),
      onStderr: (chunk) => stderr.push(chunk),
      throttle: log.backlog,
    });
  } catch (error) {
    if (error instanceof SshError && error.kind === "command-failed")
      throw new Error(`${echo}: ${error.message}`);
    throw error;
  } finally {
    stdout.flush();
    stderr.flush();
  }
}

export interface StageLimits {
  /** a stage still running after this long fails */
  timeoutMs: number;
  /** stops what a timed-out stage is doing (closes the node's session) */
  interrupt: () => void;
}

/**
 * A node's stages in a run: each one timed, stored and announced as it starts and ends. The one
 * place a node's state is recorded: in the run's record and, as a state event, on its stream.
 */
export class StageTracker {
  private readonly stages: StageRecord[] = [];

  constructor(
    private readonly db: Database,
    private readonly runId: string,
    private readonly node: string,
    private readonly log: LogLine,
    private readonly limits: StageLimits | null = null,
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
      const result = await this.limited(name, work);
      this.end(record, "succeeded", null);
      return result;
    } catch (error) {
      this.end(record, "failed", error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** `work`, failed once it outlasts the stage timeout (and interrupted) */
  private async limited<T>(name: string, work: () => Promise<T>): Promise<T> {
    const limits = this.limits;
    if (!limits) return work();
    const running = work();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // what the interrupted work throws next is superseded by the timeout
        running.catch(() => {});
        limits.interrupt();
        reject(
          new Error(`${name} timed out after ${limits.timeoutMs / 1000} s (the stage timeout)`),
        );
      }, limits.timeoutMs);
    });
    try {
      return await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The name of the stage that failed, if one did. */
  failedStage(): string | null {
    return this.stages.findLast((stage) => stage.state === "failed")?.name ?? null;
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
    const stages = this.stages.map((stage) => ({ ...stage }));
    this.log.emit?.({ type: "state", state, stages, error: error ?? null });
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
