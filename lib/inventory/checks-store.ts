/** Preflight check results (the latest per node and check) and the overrides people set on them. */
import { z } from "zod";
import { isOverridableCheck } from "@/lib/checks/readiness";
import type { Database } from "./db";
import { notFound, parseOrThrow } from "./errors";
import type { CheckResult } from "./types";

/** Evidence is command output; past this it is cut, so one noisy check cannot bloat the database. */
export const MAX_EVIDENCE_CHARS = 64 * 1024;

const CheckIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, "must be a check id like ssh.reachable");

const CheckResultInputSchema = z.object({
  node: z.string().min(1),
  check: CheckIdSchema,
  title: z.string().max(200),
  status: z.enum(["pass", "warn", "fail"]),
  reason: z.string().max(2000),
  evidence: z.string(),
  at: z.string().max(64),
});

export type CheckResultInput = Omit<CheckResult, "override"> & { override?: unknown };

/** Replaces the stored result of each (node, check); all or nothing. Unknown node → not_found. */
export function saveCheckResults({
  db,
  results,
}: {
  db: Database;
  results: CheckResultInput[];
}): void {
  const valid = parseOrThrow(z.array(CheckResultInputSchema), results);
  const nodeId = db.prepare("SELECT id FROM nodes WHERE name = ?").pluck();
  const upsert = db.prepare(
    `INSERT INTO check_results (node_id, check_id, title, status, reason, evidence, at)
     VALUES (@nodeId, @check, @title, @status, @reason, @evidence, @at)
     ON CONFLICT (node_id, check_id) DO UPDATE SET title = excluded.title, status = excluded.status,
       reason = excluded.reason, evidence = excluded.evidence, at = excluded.at`,
  );
  db.transaction(() => {
    for (const result of valid) {
      const id = nodeId.get(result.node) as number | undefined;
      if (id === undefined) throw notFound(result.node);
      upsert.run({ ...result, nodeId: id, evidence: capEvidence(result.evidence) });
    }
  })();
}

/**
 * A check run's results for `nodes`: their previous results are dropped first, so a check that
 * did not run this time (say, the registry probe of a node that is now down) shows no stale pass.
 * Overrides are kept.
 */
export function replaceCheckResults({
  db,
  nodes,
  results,
}: {
  db: Database;
  nodes: string[];
  results: CheckResultInput[];
}): void {
  const clear = db.prepare(
    "DELETE FROM check_results WHERE node_id = (SELECT id FROM nodes WHERE name = ?)",
  );
  db.transaction(() => {
    for (const node of nodes) clear.run(node);
    saveCheckResults({ db, results });
  })();
}

interface ResultRow {
  node: string;
  check_id: string;
  title: string;
  status: CheckResult["status"];
  reason: string;
  evidence: string;
  at: string;
  override_reason: string | null;
  override_at: string | null;
}

/**
 * Latest results, for one node or all, each with its override attached; ordered by node, check.
 * `evidence: false` leaves the evidence out (empty): readiness needs none of it, at fleet scale.
 */
export function latestCheckResults({
  db,
  node,
  evidence = true,
}: {
  db: Database;
  node?: string;
  evidence?: boolean;
}): CheckResult[] {
  const rows = db
    .prepare(
      `SELECT n.name AS node, r.check_id, r.title, r.status, r.reason,
         CASE WHEN @evidence THEN r.evidence ELSE '' END AS evidence, r.at,
         o.reason AS override_reason, o.at AS override_at
       FROM check_results r
       JOIN nodes n ON n.id = r.node_id
       LEFT JOIN check_overrides o ON o.node_id = r.node_id AND o.check_id = r.check_id
       WHERE @node IS NULL OR n.name = @node
       ORDER BY n.name, r.check_id`,
    )
    .all({ node: node ?? null, evidence: evidence ? 1 : 0 }) as ResultRow[];
  return rows.map((row) => ({
    node: row.node,
    check: row.check_id,
    title: row.title,
    status: row.status,
    reason: row.reason,
    evidence: row.evidence,
    at: row.at,
    override:
      row.override_reason === null || row.override_at === null
        ? null
        : { reason: row.override_reason, at: row.override_at },
  }));
}

/** Accepts a check's outcome for a node; kept until cleared, across re-runs. */
export function setOverride({
  db,
  node,
  check,
  reason,
}: {
  db: Database;
  node: string;
  check: string;
  reason: string;
}): { reason: string; at: string } {
  const valid = parseOrThrow(
    z.object({
      check: CheckIdSchema.refine(
        isOverridableCheck,
        "cannot be overridden: nothing can be done on a node that does not present its trusted host key or accept the login",
      ),
      reason: z.string().trim().min(1, "is required").max(2000),
    }),
    { check, reason },
  );
  const nodeId = db.prepare("SELECT id FROM nodes WHERE name = ?").pluck().get(node) as
    | number
    | undefined;
  if (nodeId === undefined) throw notFound(node);
  const at = new Date().toISOString();
  db.prepare(
    `INSERT INTO check_overrides (node_id, check_id, reason, at) VALUES (?, ?, ?, ?)
     ON CONFLICT (node_id, check_id) DO UPDATE SET reason = excluded.reason, at = excluded.at`,
  ).run(nodeId, valid.check, valid.reason, at);
  return { reason: valid.reason, at };
}

/** Removes an override; false when there was none. */
export function clearOverride({
  db,
  node,
  check,
}: {
  db: Database;
  node: string;
  check: string;
}): boolean {
  const { changes } = db
    .prepare(
      `DELETE FROM check_overrides
       WHERE node_id = (SELECT id FROM nodes WHERE name = ?) AND check_id = ?`,
    )
    .run(node, check);
  return changes > 0;
}

function capEvidence(evidence: string): string {
  if (evidence.length <= MAX_EVIDENCE_CHARS) return evidence;
  return `${evidence.slice(0, MAX_EVIDENCE_CHARS)}\n… (cut at ${MAX_EVIDENCE_CHARS} characters)`;
}
