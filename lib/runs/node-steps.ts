/**
 * What an apply does with k0s on one node, decided in one place: a plan predicts it from what it
 * reads on the node, the apply runs it from what it finds there. Pure.
 */

import { SUPPORTED_ARCHES } from "@/lib/checks/requirements";
import { installSteps } from "@/lib/render/install-steps";
import type { NodeRole } from "@/lib/render/types";
import { shellCommand } from "@/lib/ssh/quote";
import type { K0sState } from "./k0s-state";

/** The stored binary a run uploads (its metadata: the plan never reads the file). */
export interface BinaryInfo {
  sha256: string;
  size: number;
  version: string;
  /** amd64, arm64 or arm; null for a script (the lab's stand-in runs anywhere) */
  arch: string | null;
}

export interface NodeStepsInput {
  name: string;
  role: NodeRole;
  /** this node initialises the fleet's cluster: it needs no join token */
  initialController: boolean;
  /** why this node cannot get a join token (the initial controller is not in the run, or failed) */
  joinBlocked: string | null;
  /** k0s on the node as found (before any upload) */
  k0s: K0sState;
  /** the binary the run uploads, if any */
  binary: BinaryInfo | null;
  /** sha256 of the node's /usr/local/bin/k0s, null when there is none */
  nodeBinarySha256: string | null;
  /** the node's `uname -m`, null when not known */
  nodeArch: string | null;
  /** the mirror files that must be in place before k0s starts */
  mirrorFiles: string[];
}

export type InstallStage = "install k0s" | "start k0s";

export interface NodeSteps {
  /** the binary to upload, or null (none chosen, or the node has exactly it) */
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

export const NO_BINARY =
  "no k0s binary on the node: choose one to upload (or put it at /usr/local/bin/k0s) first";
export const FILES_ONLY =
  "k0s already runs here: only the mirror files are written (containerd reads hosts.toml on every pull)";

export function nodeSteps(input: NodeStepsInput): NodeSteps {
  const upload = uploadOf(input);
  // after the upload, a node without k0s has the binary
  const k0s = input.k0s === "absent" && upload ? "binary" : input.k0s;
  const binaryNote = binaryNoteOf(input, upload);
  const wrongArch = upload && archRefusal(upload, input.nodeArch, input.name);
  if (k0s === "running")
    return { upload, binaryNote, install: null, refusal: wrongArch, note: FILES_ONLY };
  if (k0s === "installed")
    return {
      upload,
      binaryNote,
      install: { stage: "start k0s", argv: [["k0s", "start"]] },
      refusal: wrongArch,
      note: "k0s is installed but stopped: it is started",
    };
  const install = { stage: "install k0s" as const, argv: installArgv(input) };
  const needsToken = !input.initialController && input.role !== "single";
  const refusal =
    wrongArch ||
    (k0s === "absent"
      ? NO_BINARY
      : needsToken && input.joinBlocked
        ? `${input.joinBlocked}, so ${input.name} cannot join`
        : null);
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

function uploadOf({ binary, nodeBinarySha256 }: NodeStepsInput): BinaryInfo | null {
  return uploadNeeded(binary, nodeBinarySha256) ? binary : null;
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

function binaryNoteOf(input: NodeStepsInput, upload: BinaryInfo | null): string {
  if (upload) return `upload k0s ${upload.version} (${mebibytes(upload.size)})`;
  if (input.binary) return `k0s ${input.binary.version} already there`;
  return input.nodeBinarySha256 ? "the node's own k0s binary is used" : "no k0s binary";
}

/**
 * Why `binary` cannot go to a node whose `uname -m` is `nodeArch`, or null (a script, or an
 * architecture not known yet, is not refused here).
 */
export function archRefusal(
  binary: BinaryInfo,
  nodeArch: string | null,
  name: string,
): string | null {
  if (!binary.arch || !nodeArch) return null;
  const wanted = SUPPORTED_ARCHES[nodeArch];
  if (wanted === binary.arch) return null;
  return `the k0s binary is for ${binary.arch}, but ${name} is ${nodeArch}${wanted ? ` (it needs the ${wanted} binary)` : ""}: upload the binary for its architecture`;
}

/**
 * Why a stored binary of k0s `binaryVersion` does not fit a fleet set to `fleetVersion`, or null.
 * A fleet version without a patch (1.36) takes any patch; with a `+k0s.N` build, that build only.
 */
export function versionMismatch(fleetVersion: string, binaryVersion: string): string | null {
  const fleet = fleetVersion.trim().replace(/^v/, "");
  const binary = binaryVersion.trim().replace(/^v/, "");
  const [fleetBase = "", fleetBuild] = fleet.split("+");
  const [binaryBase = "", binaryBuild] = binary.split("+");
  const sameBase =
    binaryBase === fleetBase ||
    (fleetBase.split(".").length === 2 && binaryBase.startsWith(`${fleetBase}.`));
  if (sameBase && (fleetBuild === undefined || fleetBuild === binaryBuild)) return null;
  return `the k0s binary is k0s ${binaryVersion}, but the fleet's k0s version is ${fleetVersion}: upload the binary of k0s ${fleetVersion}, or set the fleet's version to ${binaryVersion}`;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** The commands as the plan shows them and the apply's log echoes them. */
export function stepCommands(steps: NodeSteps): string[] {
  return steps.install?.argv.map((argv) => shellCommand(argv)) ?? [];
}
