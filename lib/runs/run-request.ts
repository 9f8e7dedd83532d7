import { z } from "zod";
import { BIDI_CONTROLS } from "@/lib/inventory/fields";
import { RunSudoPasswordsSchema } from "@/lib/inventory/schema";

/** Lets an apply through on nodes whose checks fail, are stale or missing; recorded with the run. */
export const ReadinessOverrideSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(3, "say why these nodes may be changed without passing checks")
    .max(500)
    .refine((reason) => !BIDI_CONTROLS.test(reason), "must not contain bidi controls"),
  /** the nodes it covers; every node of the run when omitted */
  nodes: z.array(z.string().max(63)).min(1).max(5000).optional(),
});

const BINARY_REF = z.string().max(4096).optional();

/** Options any run accepts (also on retry). */
export const RunOptionsSchema = z.object({
  /** for nodes whose sudo mode is "ask": used by this run, never stored */
  sudoPasswords: RunSudoPasswordsSchema.optional(),
  concurrency: z.number().int().min(1).max(200).optional(),
  /** a stage that takes longer fails its node (its SSH session is closed) */
  stageTimeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  /** apply: an explicit override of the checks gate, with its reason */
  overrideReadiness: ReadinessOverrideSchema.optional(),
});

export const StartRunSchema = RunOptionsSchema.extend({
  action: z.enum(["plan", "apply", "rollback", "reset"]),
  nodes: z.union([z.literal("all"), z.array(z.string()).min(1).max(5000)]),
  /** rollback: the run whose backups are restored */
  fromRun: z.string().max(100).optional(),
  /**
   * apply: per architecture, the sha256 of a binary uploaded with POST /api/binaries, sent to the
   * nodes of that architecture whose k0s differs
   */
  k0sBinaries: z.strictObject({ amd64: BINARY_REF, arm64: BINARY_REF, arm: BINARY_REF }).optional(),
  /** one binary: for the nodes of its architecture, or for every node when it is a script */
  k0sBinary: BINARY_REF,
  /** apply: the plan it carries out (refused when the files now differ from what it showed) */
  fromPlan: z.string().max(100).optional(),
}).refine((body) => body.action !== "rollback" || body.fromRun, {
  message: "a rollback needs fromRun",
  path: ["fromRun"],
});

/** Who started a run, as far as the console can tell (it has one token, no user accounts). */
export function startedBy(request: Request): string {
  return request.headers.get("authorization") ? "API (console token)" : "browser session";
}
