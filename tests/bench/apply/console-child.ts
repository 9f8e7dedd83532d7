/**
 * The console side of the apply bench, in a process of its own (forked by ../apply.ts with the
 * tsx loader) so that its peak RSS is the console's (Node + tsx + ssh2 + SQLite), not the lab's.
 *
 * - `apply`: the product path, `startRun({ action: "apply", nodes, concurrency: nodes.length })`,
 *   timed from the call to `done`;
 * - `sse-delay` / `flood`: one node's output through the executor's own log path, runLogged
 *   (RootShell.check with onStdout → lineSplitter → nodeLog → the log writer: SQLite, one
 *   transaction per slice, + bus), read back by `runEventStream` (what GET /api/runs/<id>/events
 *   returns).
 */
import { randomBytes } from "node:crypto";
import { nodeAccess } from "@/lib/fleet/node-access";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { loadSecretKey, type SecretKey } from "@/lib/inventory/secrets";
import { publishEnd } from "@/lib/runs/bus";
import { startRun } from "@/lib/runs/executor";
import { nodeLog, runLogged } from "@/lib/runs/run-log";
import { runEventStream } from "@/lib/runs/sse";
import { createRun, finishRun, getRun } from "@/lib/runs/store";
import type { RunEvent, RunNode } from "@/lib/runs/types";
import type { FileOutcome } from "@/lib/runs/write-files";
import { SshSession } from "@/lib/ssh/client";
import { RootShell } from "@/lib/ssh/root-shell";
import { LAB_OVERRIDE } from "../../lab/lab-inventory";
import { peakRssMiB } from "../measure";
import type { FromConsole, ToConsole } from "./protocol";

/** wall-clock time in ms with sub-ms resolution (the test hosts share this machine's clock) */
const nowMs = () => performance.timeOrigin + performance.now();

// Instrumentation only: counts the exec requests a run makes (one per remote command).
let execCalls = 0;
const exec = SshSession.prototype.exec;
SshSession.prototype.exec = function countedExec(
  this: SshSession,
  ...args: Parameters<SshSession["exec"]>
) {
  execCalls += 1;
  return exec.apply(this, args);
};

async function apply(db: Database, key: SecretKey, nodes: string[]): Promise<FromConsole> {
  execCalls = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const { id, done } = startRun({
    db,
    key,
    action: "apply",
    nodes,
    startedBy: "bench",
    concurrency: nodes.length,
    ...LAB_OVERRIDE,
  });
  await done;
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const run = getRun({ db, id });
  const problems: string[] = [];
  const outcomes: Record<string, number> = {};
  if (run?.status !== "succeeded") problems.push(`run ${id} ${run?.status ?? "missing"}`);
  for (const node of run?.nodes ?? []) {
    if (node.state !== "succeeded") problems.push(`${node.node}: ${node.state} ${node.error}`);
    const files = (node.result as { files?: FileOutcome[] } | null)?.files ?? [];
    for (const file of files) outcomes[file.status] = (outcomes[file.status] ?? 0) + 1;
  }
  if (run?.nodes.length !== nodes.length)
    problems.push(`${run?.nodes.length ?? 0} nodes in the run, not ${nodes.length}`);
  const { events } = db
    .prepare("SELECT COUNT(*) AS events FROM run_events WHERE run_id = ?")
    .get(id) as { events: number };
  return {
    kind: "applied",
    ms,
    runId: id,
    problems,
    outcomes,
    execsPerNode: execCalls / nodes.length,
    events,
    cpuMs: (used.user + used.system) / 1000,
    stages: stageFigures(run?.createdAt ?? "", run?.nodes ?? []),
  };
}

/** Each stage's duration over the nodes (median, max) and when its last node finished it. */
function stageFigures(createdAt: string, nodes: RunNode[]) {
  const t0 = Date.parse(createdAt);
  const names = [...new Set(nodes.flatMap((node) => node.stages.map((stage) => stage.name)))];
  return names.map((name) => {
    const stages = nodes.flatMap((node) => node.stages.filter((stage) => stage.name === name));
    const ms = stages
      .map((stage) => Date.parse(stage.finishedAt ?? "") - Date.parse(stage.startedAt))
      .sort((a, b) => a - b);
    const ends = stages.map((stage) => Date.parse(stage.finishedAt ?? "") - t0);
    return {
      name,
      medianMs: ms[Math.floor(ms.length / 2)] ?? Number.NaN,
      maxMs: ms.at(-1) ?? Number.NaN,
      lastEndMs: Math.max(...ends),
    };
  });
}

interface LoggedRun {
  id: string;
  /** resolves once the SSE stream has ended (after the run finished) */
  reading: Promise<void>;
  /** runs `script` as root on the node, streaming its output into the run's log */
  run(script: string): Promise<{ execMs: number }>;
}

/**
 * A run on one node whose log an SSE client reads from the start, `onEvent` getting each event's
 * text (`id: …\ndata: {…}`) as the client splits the stream. The command's output goes through
 * runLogged, as in an apply.
 */
async function loggedRun(
  db: Database,
  key: SecretKey,
  node: string,
  onEvent: (event: string, arrivedMs: number) => void,
): Promise<LoggedRun> {
  const access = nodeAccess(nodeConnection({ db, key, name: node }), undefined);
  if (!access.ok) throw new Error(access.reason);
  const id = `bench-${Date.now()}-${randomBytes(3).toString("hex")}`;
  createRun({
    db,
    run: {
      id,
      action: "apply",
      status: "running",
      startedBy: "bench",
      inputs: { bench: "log stream" },
      createdAt: new Date().toISOString(),
    },
    nodes: [node],
  });
  const stream = runEventStream({
    db,
    runId: id,
    lastEventId: 0,
    node: null,
    signal: new AbortController().signal,
  });
  const reading = readSse(stream, onEvent);
  const log = nodeLog(db, id, node);
  return {
    id,
    reading,
    async run(script) {
      let session: SshSession | undefined;
      try {
        session = await SshSession.open(access.endpoint, {
          bastion: access.bastion ?? undefined,
        });
        const shell = new RootShell(session, access.privilege, access.sudoPassword);
        const start = performance.now();
        await runLogged(shell, log, script, { timeoutMs: 120_000 });
        const execMs = performance.now() - start;
        await log.drained?.(); // as the executor does before a run reads as finished
        finishRun({ db, id, status: "succeeded" });
        return { execMs };
      } catch (error) {
        finishRun({ db, id, status: "failed" });
        throw error;
      } finally {
        session?.close();
        publishEnd(id); // ends the SSE stream
      }
    },
  };
}

/**
 * An SSE client: splits the byte stream into events as they arrive and hands each one (its text,
 * comments and the end event left out) to `onEvent`; parsing is up to the caller, so a client
 * that only counts costs the console process little.
 */
async function readSse(
  stream: ReadableStream<Uint8Array>,
  onEvent: (event: string, arrivedMs: number) => void,
): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const arrived = nowMs();
    pending += decoder.decode(value, { stream: true });
    const blocks = pending.split("\n\n");
    pending = blocks.pop() ?? "";
    for (const block of blocks) if (block.startsWith("id: ")) onEvent(block, arrived);
  }
}

/** The event of an SSE block `id: N\ndata: {json}`. */
function parseEvent(block: string): RunEvent | undefined {
  const data = block.split("\n").find((line) => line.startsWith("data: "));
  return data ? (JSON.parse(data.slice(6)) as RunEvent) : undefined;
}

async function sseDelay(
  db: Database,
  key: SecretKey,
  message: ToConsole & { cmd: "sse-delay" },
): Promise<FromConsole> {
  const { node, lines, intervalMs, loadNode } = message;
  const delaysMs: number[] = [];
  const logged = await loggedRun(db, key, node, (block, arrived) => {
    const event = parseEvent(block);
    if (event?.type !== "line" || event.stream !== "stdout" || !/^\d{19}$/.test(event.line)) return;
    // ns since the epoch, printed on the node: µs precision is plenty
    const printed = Number(BigInt(event.line) / 1000n) / 1000;
    delaysMs.push(arrived - printed);
  });
  let loadLines = 0;
  const load = loadNode
    ? await loggedRun(db, key, loadNode, (block) => {
        if (block.includes('"stream":"stdout"')) loadLines += 1;
      })
    : undefined;
  // the load outlasts the timed lines (which take a little longer than lines × interval)
  const loadSeconds = Math.ceil((lines * intervalMs * 1.5) / 1000) + 1;
  const loading = load?.run(`timeout ${loadSeconds} yes 'k0s bench: a line of load'; true`);
  const sleep = (intervalMs / 1000).toFixed(3);
  await logged.run(`for i in $(seq 1 ${lines}); do date +%s%N; sleep ${sleep}; done`);
  await Promise.all([logged.reading, loading, load?.reading]);
  const problems = delaysMs.length === lines ? [] : [`${delaysMs.length} of ${lines} lines seen`];
  return { kind: "sse-delay", delaysMs, loadLines, problems, rssMiB: peakRssMiB() };
}

async function flood(
  db: Database,
  key: SecretKey,
  node: string,
  lines: number,
): Promise<FromConsole> {
  // a line reaches the SSE client once its slice is stored and published
  let first: number | undefined;
  let last = 0;
  let sseReceived = 0;
  const logged = await loggedRun(db, key, node, (block) => {
    if (!block.includes('"stream":"stdout"')) return;
    sseReceived += 1;
    last = performance.now();
    first ??= last;
  });
  const started = performance.now();
  const { execMs } = await logged.run(`seq 1 ${lines}`);
  await logged.reading;
  const rows = db
    .prepare(
      "SELECT COUNT(*) AS n, MAX(CAST(line AS INTEGER)) AS hi FROM run_events WHERE run_id = ? AND stream = 'stdout'",
    )
    .get(logged.id) as { n: number; hi: number };
  const problems: string[] = [];
  if (rows.n !== lines || rows.hi !== lines)
    problems.push(`${rows.n} stdout lines stored (last ${rows.hi}), not ${lines}`);
  if (sseReceived !== lines) problems.push(`the SSE client got ${sseReceived} of ${lines} lines`);
  return {
    kind: "flood",
    stored: rows.n,
    storeMs: last - (first ?? last),
    execMs,
    sseReceived,
    sseMs: last - started,
    problems,
    rssMiB: peakRssMiB(),
  };
}

function main(dataDir: string) {
  const db = openDatabase(dataDir);
  const key = loadSecretKey(dataDir);
  const send = (message: FromConsole) => process.send?.(message);
  process.on("message", (message: ToConsole) => {
    const work = async (): Promise<FromConsole | undefined> => {
      switch (message.cmd) {
        case "apply":
          return apply(db, key, message.nodes);
        case "sse-delay":
          return sseDelay(db, key, message);
        case "flood":
          return flood(db, key, message.node, message.lines);
        case "done":
          send({ kind: "done", peakRssMiB: peakRssMiB() });
          db.close();
          process.disconnect();
          return undefined;
      }
    };
    work().then(
      (reply) => reply && send(reply),
      (error: unknown) =>
        send({ kind: "error", message: error instanceof Error ? error.message : String(error) }),
    );
  });
  send({ kind: "ready", rssMiB: peakRssMiB() });
}

main(process.argv[2] ?? "");
