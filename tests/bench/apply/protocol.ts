/** Messages between the apply bench (apply.ts) and the console process it forks (console-child.ts). */

export type ToConsole =
  /** startRun apply on these nodes, all at once (concurrency = their number) */
  | { cmd: "apply"; nodes: string[] }
  /** a run whose node prints `lines` timestamps (`date +%s%N`), one every `intervalMs`, read by an SSE client */
  | {
      cmd: "sse-delay";
      node: string;
      lines: number;
      intervalMs: number;
      /** meanwhile, another node prints lines as fast as it can (`yes`) into another run */
      loadNode?: string;
    }
  /** a run whose node prints `seq 1 <lines>` as fast as it can */
  | { cmd: "flood"; node: string; lines: number }
  | { cmd: "done" };

export type FromConsole =
  | { kind: "ready"; rssMiB: number }
  | {
      kind: "applied";
      ms: number;
      runId: string;
      problems: string[];
      /** file outcomes over all nodes: created / updated / unchanged */
      outcomes: Record<string, number>;
      /** SSH exec requests the run made (SshSession.exec calls, counted in the child), per node */
      execsPerNode: number;
      /** log lines the run stored */
      events: number;
      /** user + system CPU time of the console process during the run */
      cpuMs: number;
      /** per stage: median and max duration over the nodes, and when the last node ended it (ms after the run was created) */
      stages: { name: string; medianMs: number; maxMs: number; lastEndMs: number }[];
    }
  | {
      kind: "sse-delay";
      /** arrival at the SSE client − the time printed in the line, per line, in ms */
      delaysMs: number[];
      /** with loadNode: the lines its run stored meanwhile */
      loadLines: number;
      problems: string[];
      rssMiB: number;
    }
  | {
      kind: "flood";
      /** stdout lines stored in SQLite for the run (counted there) */
      stored: number;
      /** from the first stdout line stored to the last */
      storeMs: number;
      /** from the exec request to the command's end (channel closed) */
      execMs: number;
      /** stdout lines the connected SSE client received */
      sseReceived: number;
      /** when the SSE client had the last line, after the first line was stored */
      sseMs: number;
      problems: string[];
      rssMiB: number;
    }
  | { kind: "done"; peakRssMiB: number }
  | { kind: "error"; message: string };
