/**
 * A plan on one node: the files it would write (diffs) and what the apply will do with k0s there,
 * decided by nodeSteps from what the node has now — so the plan shows every refusal and skip the
 * apply would meet.
 */
import type { Readiness } from "@/lib/checks/readiness";
import { nodeTargets } from "@/lib/render";
import { shellQuote } from "@/lib/ssh/quote";
import type { BinariesByArch } from "./binary-choice";
import { K0S_INSTALL_PATH } from "./k0s-binary";
import { K0S_STATE_SCRIPT, type K0sState, parseK0sState } from "./k0s-state";
import { type NodeJob, shellOf } from "./node-job";
import { joinBlocker, mirrorFilesOf, type NodeSteps, nodeSteps, stepCommands } from "./node-steps";
import { type FilePlan, planFiles } from "./plan";
import { readNodeFiles } from "./write-files";

export interface PlanContext {
  /** the binaries the run names, by architecture (metadata only) */
  binaries: BinariesByArch;
  /** the fleet's initial controller, and whether this run takes it */
  initialController: string | null;
  initialInRun: boolean;
  /** the nodes the checks gate would refuse without an override, by name */
  notReady: Map<string, Readiness>;
}

/** A plan node's result (RunNode.result of a plan run). */
export interface PlanNodeResult {
  files: FilePlan[];
  /** the k0s commands the apply will run on the node */
  commands: string[];
  k0s: K0sState;
  /** the node's `uname -m` as the plan read it */
  arch: string | null;
  steps: Pick<NodeSteps, "upload" | "binaryNote" | "refusal" | "note"> & {
    stage: string | null;
  };
  /** why the checks gate would refuse the node (an override can pass it when it says so) */
  readiness: Readiness | null;
}

const BINARY_MARKER = "@@k0s-console-binary@@";

export async function planNode(job: NodeJob, context: PlanContext): Promise<PlanNodeResult> {
  return job.stages.run("read current files", async () => {
    const paths = nodeTargets(job.files.files).map((file) => file.path);
    job.log("cmd", `read ${paths.length} files under /etc/k0s, k0s's state and binary`);
    const files = planFiles(job.files.files, await readNodeFiles(shellOf(job), paths));
    const found = await readK0s(job);
    const steps = nodeSteps({
      name: job.node.name,
      role: job.node.role,
      initialController: job.node.name === context.initialController,
      joinBlocked: joinBlocker(
        context.initialController,
        context.initialInRun ? "in-run" : "not-in-run",
      ),
      k0s: found.state,
      binaries: context.binaries,
      nodeBinarySha256: found.sha256,
      nodeArch: found.arch,
      mirrorFiles: mirrorFilesOf(job.files.files.map((file) => file.path)),
    });
    for (const file of files)
      job.log("info", `${file.change.padEnd(9)} ${file.path}${file.note ? ` (${file.note})` : ""}`);
    job.log("info", `k0s on this node: ${found.state}; ${steps.binaryNote}; ${steps.note}`);
    if (steps.refusal) job.log("error", `the apply will fail here: ${steps.refusal}`);
    return {
      files,
      commands: stepCommands(steps),
      k0s: found.state,
      arch: found.arch,
      steps: {
        upload: steps.upload,
        binaryNote: steps.binaryNote,
        refusal: steps.refusal,
        note: steps.note,
        stage: steps.install?.stage ?? null,
      },
      readiness: context.notReady.get(job.node.name) ?? null,
    };
  });
}

/** k0s's state on the node and its binary's sha256, in one exec that changes nothing. */
async function readK0s(
  job: NodeJob,
): Promise<{ state: K0sState; sha256: string | null; arch: string | null }> {
  const script = [
    K0S_STATE_SCRIPT,
    `printf '%s\\n' ${shellQuote(BINARY_MARKER)}`,
    `sha256sum ${shellQuote(K0S_INSTALL_PATH)} 2>/dev/null`,
    `printf '%s\\n' ${shellQuote(BINARY_MARKER)}`,
    "uname -m",
  ].join("\n");
  const { stdout } = await shellOf(job).check(script);
  const [state = "", sums = "", arch = ""] = stdout.split(`${BINARY_MARKER}\n`);
  return {
    state: parseK0sState(state),
    sha256: /^[0-9a-f]{64}/.exec(sums)?.[0] ?? null,
    arch: arch.trim() || null,
  };
}
