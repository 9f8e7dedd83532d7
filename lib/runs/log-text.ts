/** A run's log filtered and written out as text. Pure. */
import { z } from "zod";
import type { EventStream, RunLineEvent } from "./types";

const STREAMS = [
  "stdout",
  "stderr",
  "cmd",
  "stage",
  "info",
  "error",
] as const satisfies readonly EventStream[];

/** GET /api/runs/{id}/log and …/log/search: which lines, and (search) which page of them. */
export const LogQuerySchema = z.object({
  /** text the line contains, any case */
  q: z.string().max(500, "at most 500 characters").optional(),
  node: z.string().max(200, "at most 200 characters").optional(),
  stream: z.enum(STREAMS, { message: `one of ${STREAMS.join(", ")}` }).optional(),
  format: z.enum(["jsonl", "text"], { message: "jsonl or text" }).optional(),
  /** search: the lines after this event id */
  after: z.coerce.number().int().min(0).optional(),
  /** search: at most this many lines */
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export type LogQuery = z.infer<typeof LogQuerySchema>;

/** The query's parameters present in `params`, empty ones left out. */
export function parseLogQuery(params: URLSearchParams): LogQuery {
  const present = Object.fromEntries([...params].filter(([, value]) => value !== ""));
  return LogQuerySchema.parse(present);
}

/** A LIKE pattern matching lines that contain `text` literally (`%`, `_` and `\` escaped). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * An event in the plain-text log: time, node (or "run"), stream, the line — on every line of a
 * multi-line event (an echoed script), so each line greps on its own.
 */
export function eventText(event: Pick<RunLineEvent, "at" | "node" | "stream" | "line">): string {
  const head = `${event.at} ${event.node ?? "run"} ${event.stream} `;
  return event.line
    .split("\n")
    .map((line) => `${head}${line}\n`)
    .join("");
}

/** The download's name: the run, the node and the filter it holds, and its format. */
export function logFileName(runId: string, query: LogQuery): string {
  const parts = [`run-${runId}`];
  if (query.node) parts.push(query.node);
  if (query.stream) parts.push(query.stream);
  if (query.q) parts.push("matches");
  return `${parts.join("-")}.${query.format === "text" ? "log" : "jsonl"}`;
}
