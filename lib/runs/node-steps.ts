/**
 * What an apply does with k0s on one node, decided in one place: a plan predicts it from what it
 * reads on the node, the apply runs it from what it finds there. Pure.
 */

import { installSteps } from "@/lib/render/install-steps";
import type { NodeRole } from "@/lib/render/types";
import { shellCommand } from "@/lib/ssh/quote";
import {
  type BinariesByArch,
  type BinaryInfo,
  binaryFor,
  k0sArchOf,
  sizeText,
} from "./binary-choice";
import type { K0sState } from "./k0s-state";

export interface NodeStepsInput {
  name: string;
  role: NodeRole;
  /** this node initialises the fleet's cluster: it needs no join token */
  initialController: boolean;
  /** why this node cannot get a join token (the initial controller is not in the run, or failed) */
  joinBlocked: string | null;
  /** k0s on the node as found (before any upload) */
  k0s: K0sState;
  /** the binaries the run uploads, by architecture (the node gets the one of its own) */
  binaries: BinariesByArch;
  /** sha256 of the node's /usr/local/bin/k0s, null when there is none */
  nodeBinarySha256: string | null;
  /** the node's `uname -m`, null when not known */
  nodeArch: string | null;
  /** the mirror files that must be in place before k0s starts */
  mirrorFiles: string[];
}

export type InstallStage = "install k0s" | "start k0s";

export interface NodeSteps {
  /** the binary to upload, or null (none for its architecture, or the node has exactly it) */
  upload: BinaryInfo | null;
  /** says what happens to the k0s binary, for a person */
  binaryNote: string;
  /** the k0s stage and its commands, or null when k0s already runs (files only) */
  install: { stage: InstallStage; argv: string[][] } | null;
  /** why the apply will fail this node, or null */
  refusal: string | null;
  /** what the apply does besides writing the files, for a person */
  note: string;
}

export const FILES_ONLY =
  "k0s already runs here: only the mirror files are written (containerd reads hosts.toml on every pull)";

export function nodeSteps(input: NodeStepsInput): NodeSteps {
  const { binary, missing } = binaryFor(input.binaries, input.nodeArch);
  const upload = binary && uploadNeeded(binary, input.nodeBinarySha256) ? binary : null;
  // after the upload, a node without k0s has the binary
  const k0s = input.k0s === "absent" && upload ? "binary" : input.k0s;
  const binaryNote = binaryNoteOf(input, binary, upload);
  if (k0s === "running")
    return { upload, binaryNote, install: null, refusal: null, note: FILES_ONLY };
  if (k0s === "installed")
    return {
      upload,
      binaryNote,
      install: { stage: "start k0s", argv: [["k0s", "start"]] },
      refusal: null,
      note: "k0s is installed but stopped: it is started",
    };
  const install = { stage: "install k0s" as const, argv: installArgv(input) };
  const needsToken = !input.initialController && input.role !== "single";
  const refusal =
    k0s === "absent"
      ? missing
      : needsToken && input.joinBlocked
        ? `${input.joinBlocked}, so ${input.name} cannot join`
        : null;
  const note = needsToken ? "k0s is installed, joining with a token" : "k0s is installed";
  return { upload, binaryNote, install, refusal, note };
}

/** The install.sh steps an apply runs (its `k0s status` is the wait that follows them). */
function installArgv(input: NodeStepsInput): string[][] {
  return installSteps({
    role: input.role,
    initialController: input.initialController || input.role === "single",
    mirrorFiles: input.mirrorFiles,
  })
    .map((step) => step.argv)
    .filter((argv) => !(argv[0] === "k0s" && argv[1] === "status"));
}

/** A binary is uploaded where the node lacks exactly it. */
export function uploadNeeded(binary: BinaryInfo | null, nodeBinarySha256: string | null): boolean {
  return binary !== null && binary.sha256 !== nodeBinarySha256;
}

/**
 * Why joining nodes cannot get a token: the fleet has no controller, or its initial controller
 * is not in the run, or failed; null when it can make tokens.
 */
export function joinBlocker(
  initialController: string | null,
  state: "in-run" | "not-in-run" | "failed",
): string | null {
  if (initialController === null)
    return "the fleet has no controller to create a join token: add one";
  if (state === "failed") return `the initial controller ${initialController} failed`;
  if (state === "not-in-run")
    return `the initial controller ${initialController} is not in this run (it makes the join tokens): include it`;
  return null;
}

/** The files that must be in place before k0s starts: the mirror's TOML files. */
export function mirrorFilesOf(paths: string[]): string[] {
  return paths.filter((path) => path.endsWith(".toml"));
}

/** "upload the arm64 k0s v1.32.8+k0s.0 (245.3 MiB)", "… already there (same sha256)" */
function binaryNoteOf(
  input: NodeStepsInput,
  binary: BinaryInfo | null,
  upload: BinaryInfo | null,
): string {
  if (upload) return `upload ${describeBinary(upload, input.nodeArch)}`;
  if (binary) return `${describeBinary(binary, input.nodeArch)} already there (same sha256)`;
  const own = input.nodeBinarySha256 ? "the node's own k0s binary is used" : "no k0s binary";
  const arch = k0sArchOf(input.nodeArch) ?? input.nodeArch ?? "an unknown architecture";
  return Object.keys(input.binaries).length ? `${own} (this run has none for ${arch})` : own;
}

/** "the arm64 k0s v1.32.8+k0s.0 (245.3 MiB)"; a script is named by the node's architecture */
function describeBinary(binary: BinaryInfo, nodeArch: string | null): string {
  const arch = binary.arch ?? k0sArchOf(nodeArch);
  const script = binary.arch ? "" : "a script, ";
  return `the ${arch} k0s ${binary.version} (${script}${sizeText(binary.size)})`;
}

/** The commands as the plan shows them and the apply's log echoes them. */
export function stepCommands(steps: NodeSteps): string[] {
  return steps.install?.argv.map((argv) => shellCommand(argv)) ?? [];
}
