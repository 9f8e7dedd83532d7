/**
 * The file stage of a run on one node: read the node's current files in one exec, then write
 * each file that differs with writeFileScript (content on stdin), through the node's RootShell.
 */
import { createHash } from "node:crypto";
import type { RenderedFile } from "../render/types";
import type { ExecOptions, ExecResult } from "../ssh/client";
import { SshError, stderrTail } from "../ssh/errors";
import type { RootShell } from "../ssh/root-shell";
import {
  backupDirFor,
  describeFileExit,
  FILE_EXIT,
  type FileExitName,
  normaliseMode,
  type PathOptions,
  parseReadFilesOutput,
  parseScriptResult,
  type RemoteFileState,
  readFilesScript,
  validateDirectory,
  validateTargetPath,
  type WriteStatus,
  writeFileScript,
} from "./file-commands";

export type FileLineStream = "stdout" | "stderr" | "cmd";

export interface FileStageOptions extends PathOptions {
  /** the run's id: previous versions go to /etc/k0s/.backup/<runId>/… (see backupBase) */
  runId: string;
  /** every command (human-readable "cmd" lines, never contents) and the node's output, line by line */
  onLine?: (stream: FileLineStream, line: string) => void;
  /** per exec; default 60 s */
  timeoutMs?: number;
  /** where run backups go (must be under an allowed root); default /etc/k0s/.backup */
  backupBase?: string;
}

export interface FileOutcome {
  path: string;
  status: WriteStatus;
  /** "0644" */
  mode: string;
  sha256: string;
  /** where the previous version was saved (status "updated") */
  backup?: string;
  /** the node's version before the write (status "updated") */
  previous?: { sha256: string; mode: string; owner: string };
}

/** Why a file could not be written; FILE_EXIT names, or a transport failure. */
export type FileFailure = FileExitName | "disconnected" | "timeout" | "sudo" | "unexpected";

/** A file stage failure on one node, naming the file (an SshError: `kind` says how SSH saw it). */
export class NodeFileError extends SshError {
  constructor(
    kind: SshError["kind"],
    target: string,
    readonly path: string,
    readonly failure: FileFailure,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(kind, target, message, { ...details, path, failure });
    this.name = "NodeFileError";
  }
}

const shortSha = (sha: string) => `${sha.slice(0, 12)}…`;

/** Splits output chunks into lines for onLine (the last partial line on flush). */
function lineSplitter(emit: (line: string) => void) {
  let pending = "";
  return {
    push(chunk: string) {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) emit(line);
    },
    flush() {
      if (pending) emit(pending);
      pending = "";
    },
  };
}

/**
 * Runs one script; a session that drops (no exit status) or any transport error becomes a
 * NodeFileError for `path` that keeps the SshError's kind.
 */
async function runScript(
  shell: RootShell,
  /** `path`: the file the error names; `label`: how messages name what was being done */
  what: { path: string; label: string; details?: Record<string, unknown>; onDrop?: string },
  script: string,
  options: ExecOptions & { echoStdout: boolean; onLine?: FileStageOptions["onLine"] },
): Promise<ExecResult> {
  const { onLine, echoStdout, ...exec } = options;
  const out = lineSplitter((line) => onLine?.("stdout", line));
  const err = lineSplitter((line) => onLine?.("stderr", line));
  const target = shell.session.target;
  let result: ExecResult;
  try {
    result = await shell.run(script, {
      ...exec,
      onStdout: onLine && echoStdout ? (chunk) => out.push(chunk) : undefined,
      onStderr: onLine ? (chunk) => err.push(chunk) : undefined,
    });
  } catch (error) {
    out.flush();
    err.flush();
    if (error instanceof SshError) {
      const failure: FileFailure =
        error.kind === "command-timeout"
          ? "timeout"
          : error.kind.startsWith("sudo")
            ? "sudo"
            : error.kind === "disconnected"
              ? "disconnected"
              : "unexpected";
      throw new NodeFileError(
        error.kind,
        error.target,
        what.path,
        failure,
        `${what.label}: ${error.message}`,
        { ...error.details, ...what.details, cause: error },
      );
    }
    // ssh2 throws a plain "Not connected" when the connection is already gone
    const message = error instanceof Error ? error.message : String(error);
    throw new NodeFileError(
      "disconnected",
      target,
      what.path,
      "disconnected",
      `${what.label}: the SSH connection to ${target} is gone (${message})`,
      { ...what.details },
    );
  }
  out.flush();
  err.flush();
  if (result.code === null) {
    // the channel closed without an exit status: the session (or sshd on the node) went away
    const how = result.signal ? `the command was killed (${result.signal})` : "the session dropped";
    throw new NodeFileError(
      "disconnected",
      target,
      what.path,
      "disconnected",
      `${what.label}: the SSH connection to ${target} dropped before the command finished (${how})${what.onDrop ?? ""}`,
      { ...what.details, signal: result.signal, stderr: stderrTail(result.stderr) },
    );
  }
  return result;
}

function exitName(code: number): FileExitName | "unexpected" {
  const entry = Object.entries(FILE_EXIT).find(([, value]) => value === code);
  return entry ? (entry[0] as FileExitName) : "unexpected";
}

/**
 * The node's current state of `paths` (all under the allowed roots), read in ONE exec, content
 * included unless `content: false`. Used by the plan (diff) and by writeNodeFiles.
 */
export async function readNodeFiles(
  shell: RootShell,
  paths: readonly string[],
  options: PathOptions & {
    content?: boolean;
    maxContentBytes?: number;
    timeoutMs?: number;
    onLine?: FileStageOptions["onLine"];
  } = {},
): Promise<Map<string, RemoteFileState>> {
  if (paths.length === 0) return new Map();
  const script = readFilesScript(paths, options);
  options.onLine?.("cmd", `read ${paths.length} file(s): ${paths.join(", ")}`);
  const first = paths[0] ?? "";
  const what = {
    path: first,
    label:
      paths.length === 1 ? `reading ${first}` : `reading ${first} and ${paths.length - 1} more`,
    details: { paths },
  };
  // stdout is file content: never echoed
  const result = await runScript(shell, what, script, {
    timeoutMs: options.timeoutMs,
    onLine: options.onLine,
    echoStdout: false,
  });
  if (result.code !== 0) {
    throw new NodeFileError(
      "command-failed",
      shell.session.target,
      what.path,
      exitName(result.code ?? -1),
      `${what.label}: ${describeFileExit(result.code)}: ${stderrTail(result.stderr) || "(no stderr)"}`,
      { paths, code: result.code, stderr: stderrTail(result.stderr) },
    );
  }
  try {
    const states = parseReadFilesOutput(result.stdout);
    for (const path of paths) {
      if (!states.has(path)) throw new Error(`${path} missing from the listing`);
    }
    return states;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new NodeFileError(
      "command-failed",
      shell.session.target,
      what.path,
      "unexpected",
      `${what.label}: ${message}`,
      { paths },
    );
  }
}

function sha256Hex(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}

/** The rendered files that go to the node (absolute paths; install.sh and the like stay local). */
export function nodeTargets(files: readonly RenderedFile[]): RenderedFile[] {
  return files.filter((file) => file.path.startsWith("/"));
}

/**
 * Writes the node's rendered files: one exec reads their current state; each file whose content,
 * mode or owner (root:root) differs is written atomically (temp file, fsync, checksum, backup of
 * the previous version under /etc/k0s/.backup/<runId>/…, rename). Files with relative paths are
 * skipped (not written, no outcome). Stops at the first failure with a NodeFileError naming the
 * file; files before it are written, files after it untouched.
 */
export async function writeNodeFiles(
  shell: RootShell,
  files: readonly RenderedFile[],
  options: FileStageOptions,
): Promise<FileOutcome[]> {
  // everything is checked before anything is sent
  const backupDir = validateDirectory(backupDirFor(options.runId, options.backupBase), options);
  const targets = nodeTargets(files);
  const seen = new Set<string>();
  for (const file of targets) {
    validateTargetPath(file.path, options);
    if (seen.has(file.path)) throw new Error(`${file.path} appears twice in the rendered files`);
    seen.add(file.path);
    normaliseMode(file.mode);
    if (sha256Hex(file.content) !== file.sha256) {
      throw new Error(`${file.path}: its sha256 does not match its content (render it again)`);
    }
  }
  if (targets.length === 0) return [];
  const { onLine, timeoutMs } = options;
  const current = await readNodeFiles(
    shell,
    targets.map((file) => file.path),
    { allowedRoots: options.allowedRoots, content: false, timeoutMs, onLine },
  );

  const outcomes: FileOutcome[] = [];
  for (const file of targets) {
    const mode = normaliseMode(file.mode);
    const before = current.get(file.path);
    const base = { path: file.path, mode, sha256: file.sha256 };
    if (before && before.type !== "file" && before.type !== "missing") {
      throw new NodeFileError(
        "command-failed",
        shell.session.target,
        file.path,
        "notRegularFile",
        `${file.path} is a ${before.type} on the node, not a regular file: left alone, fix it by hand`,
      );
    }
    if (
      before?.type === "file" &&
      before.sha256 === file.sha256 &&
      before.mode === mode &&
      before.uid === 0 &&
      before.gid === 0
    ) {
      onLine?.("cmd", `unchanged ${file.path} (${mode}, sha256 ${shortSha(file.sha256)})`);
      outcomes.push({ ...base, status: "unchanged" });
      continue;
    }
    onLine?.("cmd", `write ${file.path} (${mode}, sha256 ${shortSha(file.sha256)})`);
    const script = writeFileScript({
      path: file.path,
      mode,
      sha256: file.sha256,
      backupDir,
      allowedRoots: options.allowedRoots,
    });
    const result = await runScript(
      shell,
      {
        path: file.path,
        label: `writing ${file.path}`,
        onDrop: ": the file on the node is either its old or its new version, never a partial one",
      },
      script,
      {
        stdin: file.content,
        timeoutMs,
        onLine,
        echoStdout: true,
      },
    );
    const parsed = parseScriptResult<WriteStatus>(result.stdout);
    if (result.code !== 0 || !parsed) {
      const code = result.code ?? -1;
      throw new NodeFileError(
        "command-failed",
        shell.session.target,
        file.path,
        result.code === 0 ? "unexpected" : exitName(code),
        `writing ${file.path}: ${result.code === 0 ? "no result line" : describeFileExit(code)}: ${stderrTail(result.stderr) || "(no stderr)"}`,
        { code, stderr: stderrTail(result.stderr) },
      );
    }
    const outcome: FileOutcome = { ...base, status: parsed.status };
    if (parsed.status === "updated") {
      if (parsed.backup) outcome.backup = parsed.backup;
      if (before?.type === "file" && before.sha256 && before.mode) {
        outcome.previous = {
          sha256: before.sha256,
          mode: before.mode,
          owner: before.owner ?? `${before.uid}:${before.gid}`,
        };
      }
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
