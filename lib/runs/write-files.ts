/**
 * The file stage of a run on one node, through the node's RootShell: read the node's current
 * files in one exec (the plan, the verify stage), or write all of them in one exec
 * (writeFilesScript, contents on stdin).
 */
import { createHash } from "node:crypto";
import { nodeTargets } from "../render";
import type { RenderedFile } from "../render/types";
import type { ExecResult } from "../ssh/client";
import { SshError, stderrTail } from "../ssh/errors";
import type { RootExecOptions, RootShell } from "../ssh/root-shell";
import {
  backupDirFor,
  describeFileExit,
  FILE_EXIT,
  FileChangedWhileReadError,
  type FileExitName,
  normaliseMode,
  type PathOptions,
  parseFailedPath,
  parseReadFilesOutput,
  type RemoteFileState,
  readFilesScript,
  validateDirectory,
} from "./file-commands";
import { lineSplitter } from "./run-log";
import { afterOutput, parseWriteResults, type WriteResult, writeFilesScript } from "./write-script";

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

/** What happened to one file, kept with the run (a rollback reads it). */
export interface FileOutcome extends WriteResult {
  /** "0644" */
  mode: string;
  sha256: string;
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

/**
 * Runs one script; a session that drops (no exit status) or any transport error becomes a
 * NodeFileError for `path` that keeps the SshError's kind.
 */
async function runScript(
  shell: RootShell,
  /** `path`: the file the error names; `label`: how messages name what was being done */
  what: { path: string; label: string; details?: Record<string, unknown>; onDrop?: string },
  script: string,
  /**
   * stdout (file contents, result lines) is the caller's to parse: only stderr goes to onLine;
   * allowDrop: a session that dropped is returned (code null) for the caller to judge
   */
  options: RootExecOptions & { onLine?: FileStageOptions["onLine"]; allowDrop?: boolean },
): Promise<ExecResult> {
  const { onLine, allowDrop, ...exec } = options;
  const err = lineSplitter((line) => onLine?.("stderr", line));
  const target = shell.session.target;
  let result: ExecResult;
  try {
    result = await shell.run(script, {
      ...exec,
      onStderr: onLine ? (chunk) => err.push(chunk) : undefined,
    });
  } catch (error) {
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
        `${what.label}: ${error.message}${failure === "disconnected" ? (what.onDrop ?? "") : ""}`,
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
  err.flush();
  if (result.code === null && !allowDrop) throw droppedError(target, what, result);
  return result;
}

/** The channel closed without an exit status: the session (or sshd on the node) went away. */
function droppedError(
  target: string,
  what: { path: string; label: string; details?: Record<string, unknown>; onDrop?: string },
  result: ExecResult,
): NodeFileError {
  const how = result.signal ? `the command was killed (${result.signal})` : "the session dropped";
  return new NodeFileError(
    "disconnected",
    target,
    what.path,
    "disconnected",
    `${what.label}: the SSH connection to ${target} dropped before the command finished (${how})${what.onDrop ?? ""}`,
    { ...what.details, signal: result.signal, stderr: stderrTail(result.stderr) },
  );
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
  // a file another writer replaces meanwhile (a plan beside an apply) is simply read again
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await readNodeFilesOnce(shell, paths, options, attempt === READ_ATTEMPTS);
    } catch (error) {
      if (!(error instanceof FileChangedWhileReadError)) throw error;
    }
  }
}

const READ_ATTEMPTS = 3;

async function readNodeFilesOnce(
  shell: RootShell,
  paths: readonly string[],
  options: Parameters<typeof readNodeFiles>[2] = {},
  lastAttempt = true,
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
  const result = await runScript(shell, what, script, {
    timeoutMs: options.timeoutMs,
    onLine: options.onLine,
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
    if (error instanceof FileChangedWhileReadError && !lastAttempt) throw error;
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

export interface FileStageResult {
  /** one per file with an absolute path, in order */
  files: FileOutcome[];
  /** the stdout of `after` */
  afterOutput: string;
  /** the exec's exit status, null when it ended without one (the files were written regardless) */
  code: number | null;
}

/**
 * Writes the node's rendered files in ONE exec (writeFilesScript, contents on stdin): each file
 * whose content, mode or owner (root:root) differs is replaced atomically, its previous version
 * saved under /etc/k0s/.backup/<runId>/…; identical files are not touched. Files with relative
 * paths are skipped (no outcome). A failure is a NodeFileError naming the file: files before it
 * may be written, the others are untouched, none is partial. `after` runs in the same exec after
 * the files are written.
 */
export async function writeNodeFiles(
  shell: RootShell,
  files: readonly RenderedFile[],
  /** after: run after the files are written, in the same exec; its exit code is not checked */
  options: FileStageOptions & { after?: string },
): Promise<FileStageResult> {
  // everything is checked before anything is sent
  const targets = nodeTargets(files);
  for (const file of targets) {
    if (sha256Hex(file.content) !== file.sha256) {
      throw new Error(`${file.path}: its sha256 does not match its content (render it again)`);
    }
  }
  if (targets.length === 0) return runAfterAlone(shell, options);
  const contents = targets.map((file) => Buffer.from(file.content, "utf8"));
  const script = writeFilesScript({
    files: targets.map((file, i) => ({ ...file, size: contents[i]?.length ?? 0 })),
    backupDir: validateDirectory(backupDirFor(options.runId, options.backupBase), options),
    allowedRoots: options.allowedRoots,
    after: options.after,
  });
  const { onLine, timeoutMs } = options;
  for (const file of targets) {
    onLine?.(
      "cmd",
      `write ${file.path} (${normaliseMode(file.mode)}, sha256 ${shortSha(file.sha256)}) unless identical`,
    );
  }
  const first = targets[0]?.path ?? "";
  const what = {
    path: first,
    label:
      targets.length === 1 ? `writing ${first}` : `writing ${first} and ${targets.length - 1} more`,
    onDrop: ": each file on the node is either its old or its new version, never a partial one",
  };
  const result = await runScript(shell, what, script, {
    stdin: Buffer.concat(contents),
    timeoutMs,
    onLine,
    allowDrop: true,
  });
  const results = parseWriteResults(result.stdout);
  // every file written: what happened after them is the caller's to judge
  const written = results.length === targets.length;
  if (result.code === null && !written) throw droppedError(shell.session.target, what, result);
  if (result.code !== 0 && !written) {
    const code = result.code ?? -1;
    // "-": the script failed on no file in particular (the transfer, a batched step)
    const named = parseFailedPath(result.stdout);
    const path = named && named !== "-" ? named : first;
    const label = path === named ? `writing ${path}` : what.label;
    throw new NodeFileError(
      "command-failed",
      shell.session.target,
      path,
      exitName(code),
      `${label}: ${describeFileExit(code)}: ${stderrTail(result.stderr) || "(no stderr)"}`,
      { code, stderr: stderrTail(result.stderr) },
    );
  }
  if (results.length !== targets.length) {
    throw new NodeFileError(
      "command-failed",
      shell.session.target,
      first,
      "unexpected",
      `${what.label}: ${results.length} result lines for ${targets.length} files`,
    );
  }
  return {
    files: results.map((written, i) => ({
      ...written,
      mode: normaliseMode(targets[i]?.mode ?? ""),
      sha256: targets[i]?.sha256 ?? "",
    })),
    afterOutput: afterOutput(result.stdout),
    code: result.code,
  };
}

/** No file to write: `after` (if any) in an exec of its own. */
async function runAfterAlone(
  shell: RootShell,
  options: FileStageOptions & { after?: string },
): Promise<FileStageResult> {
  if (options.after === undefined) return { files: [], afterOutput: "", code: 0 };
  const what = { path: "-", label: "checking the node" };
  const result = await runScript(shell, what, options.after, {
    timeoutMs: options.timeoutMs,
    onLine: options.onLine,
  });
  return { files: [], afterOutput: result.stdout, code: result.code };
}
