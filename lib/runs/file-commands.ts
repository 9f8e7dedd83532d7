/**
 * Shell scripts (pure: built here, run elsewhere through RootShell) for the file stage of a run,
 * and what they share: path validation, exit codes, the temp and backup names, the preamble.
 * Here: read the current files of a node in one round trip, restore a file from a run's backup,
 * remove stale temporary files. The write script (all of a node's files in one exec) is in
 * write-script.ts.
 *
 * Temp files are `.<name>.k0s-console.<token>.tmp` in the target's own directory (a rename over
 * the target is then atomic); the `.tmp` suffix keeps them out of globs such as k0s's
 * `containerd.d/*.toml`. A SIGKILLed script cannot remove its own: cleanupTempFilesScript() removes
 * old ones (the apply runs it in every write exec).
 *
 * Every value reaches the shell through shellQuote; paths are validated first (absolute,
 * normalised, no control characters, under an allowed root: `/etc/k0s/` by default).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { shellQuote } from "../ssh/quote";

export const DEFAULT_ALLOWED_ROOTS: readonly string[] = ["/etc/k0s/"];
export const BACKUP_BASE = "/etc/k0s/.backup";

/** Marks the temporary files of this module: `.<name>.k0s-console.<token>.tmp` */
export const TEMP_INFIX = ".k0s-console.";
export const TEMP_SUFFIX = ".tmp";

export const FILE_MARKER = "@@k0s-console-file@@";
export const END_MARKER = "@@k0s-console-end@@";
export const RESULT_MARKER = "@@k0s-console-result@@";
export const FAILED_MARKER = "@@k0s-console-failed@@";

/** Exit codes of the scripts built here (anything else: the shell's own, e.g. 126/127, or a signal). */
export const FILE_EXIT = {
  ok: 0,
  /** sha256sum, stat, base64… not found on the node */
  missingTool: 3,
  /** creating the directory or the temp file, writing, chown, chmod or reading failed (disk full, read-only fs…) */
  io: 4,
  /** the target exists and is not a regular file (a directory, a symlink, a device): left alone */
  notRegularFile: 5,
  /** the previous version could not be saved to the backup folder: target left unchanged */
  backupFailed: 6,
  /** the final rename failed: target left unchanged */
  renameFailed: 7,
  /** restoreScript: there is no backup of this file in that folder */
  noBackup: 8,
  /** the received content does not have the expected sha256 (truncated or altered): target left unchanged */
  checksumMismatch: 10,
  /** SIGHUP / SIGINT / SIGTERM while running (temp file removed) */
  hangup: 129,
  interrupted: 130,
  terminated: 143,
} as const;

export type FileExitName = keyof typeof FILE_EXIT;

/** What a script exit code means, for an error message. */
export function describeFileExit(code: number | null): string {
  switch (code) {
    case FILE_EXIT.ok:
      return "success";
    case FILE_EXIT.missingTool:
      return "a required tool is missing on the node";
    case FILE_EXIT.io:
      return "could not write the file (disk full or read-only filesystem?)";
    case FILE_EXIT.notRegularFile:
      return "the target exists and is not a regular file";
    case FILE_EXIT.backupFailed:
      return "could not save the previous version to the backup folder";
    case FILE_EXIT.renameFailed:
      return "could not rename the new file over the target";
    case FILE_EXIT.noBackup:
      return "no backup of this file exists";
    case FILE_EXIT.checksumMismatch:
      return "the received content does not match its sha256 (truncated or altered transfer)";
    case FILE_EXIT.hangup:
    case FILE_EXIT.interrupted:
    case FILE_EXIT.terminated:
      return "interrupted by a signal";
    case 126:
    case 127:
      return "the shell could not run a command";
    default:
      return `exit code ${code}`;
  }
}

export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`refusing path ${JSON.stringify(path)}: ${reason}`);
    this.name = "UnsafePathError";
  }
}

export interface PathOptions {
  /** absolute, normalised directories ending in "/"; paths must lie strictly below one; default ["/etc/k0s/"] */
  allowedRoots?: readonly string[];
}

/** NUL, newline, tab and the other C0 controls, and DEL */
const hasControl = (text: string) =>
  [...text].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
/** longest path component: leaves room for the temp name's prefix and suffix within NAME_MAX (255) */
const MAX_COMPONENT_BYTES = 200;
const MAX_PATH_BYTES = 3000;
const utf8 = new TextEncoder();

function checkShape(path: string, what: string): void {
  if (typeof path !== "string" || path === "") throw new UnsafePathError(String(path), "empty");
  if (hasControl(path)) {
    throw new UnsafePathError(path, "contains a control character (NUL, newline, tab…)");
  }
  if (!path.startsWith("/")) throw new UnsafePathError(path, `${what} must be absolute`);
  if (utf8.encode(path).length > MAX_PATH_BYTES) throw new UnsafePathError(path, "too long");
  const parts = path.slice(1).split("/");
  for (const part of parts) {
    if (part === "") throw new UnsafePathError(path, "not normalised (empty component or '//')");
    if (part === "." || part === "..") {
      throw new UnsafePathError(path, "contains '.' or '..' components");
    }
    if (utf8.encode(part).length > MAX_COMPONENT_BYTES) {
      throw new UnsafePathError(path, `a component is longer than ${MAX_COMPONENT_BYTES} bytes`);
    }
  }
}

function checkedRoots(roots: readonly string[] | undefined): readonly string[] {
  const list = roots ?? DEFAULT_ALLOWED_ROOTS;
  if (list.length === 0) throw new Error("no allowed roots given");
  for (const root of list) {
    if (!root.endsWith("/") || root === "/") {
      throw new Error(`allowed root ${JSON.stringify(root)} must be a directory ending in "/"`);
    }
    checkShape(root.slice(0, -1), "an allowed root");
  }
  return list;
}

/**
 * Returns `path` when it is safe to write as root: absolute, normalised (no '.', '..', '//' or
 * trailing '/'), free of control characters, strictly below one of the allowed roots.
 */
export function validateTargetPath(path: string, options: PathOptions = {}): string {
  const roots = checkedRoots(options.allowedRoots);
  checkShape(path, "the path");
  if (!roots.some((root) => path.startsWith(root) && path.length > root.length)) {
    throw new UnsafePathError(path, `not under ${roots.join(" or ")}`);
  }
  return path;
}

/** Like validateTargetPath, but the allowed root directory itself is accepted too. */
export function validateDirectory(path: string, options: PathOptions = {}): string {
  const roots = checkedRoots(options.allowedRoots);
  if (roots.some((root) => path === root.slice(0, -1))) return path;
  return validateTargetPath(path, options);
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** `/etc/k0s/.backup/<runId>`; runId: letters, digits, '.', '_', '-' (not '.' or '..'), ≤ 128 chars. */
export function backupDirFor(runId: string, base: string = BACKUP_BASE): string {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(runId) || runId === "." || runId === "..") {
    throw new Error(
      `invalid run id ${JSON.stringify(runId)}: use letters, digits, '.', '_' and '-' only`,
    );
  }
  checkShape(base, "the backup base");
  return `${base}/${runId}`;
}

/** Where the write script keeps the previous version of `path`: `<backupDir>/<path without leading '/'>` */
export function backupPathFor(backupDir: string, path: string): string {
  return `${backupDir}/${path.slice(1)}`;
}

/** The temp name used for `path`: `<dir>/.<name>.k0s-console.<token>.tmp` */
export function tempPathFor(path: string, token: string): string {
  return `${parentOf(path)}/.${baseName(path)}${TEMP_INFIX}${token}${TEMP_SUFFIX}`;
}

/** "0644" for "644" / "0644"; refuses anything but 3–4 octal digits. */
export function normaliseMode(mode: string): string {
  if (!/^[0-7]{3,4}$/.test(mode)) throw new Error(`invalid file mode ${JSON.stringify(mode)}`);
  return mode.padStart(4, "0");
}

/** The form `stat -c %a` prints: "644" for "0644", "4755" for "4755". */
export function statMode(mode: string): string {
  return Number.parseInt(mode, 8).toString(8);
}

export function checkSha256(value: string): string {
  if (!/^[0-9a-f]{64}$/.test(value)) {
    throw new Error(`invalid sha256 ${JSON.stringify(value)}: 64 lowercase hex digits expected`);
  }
  return value;
}

function randomToken(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return bytesToHex(bytes);
}

export function checkToken(token: string | undefined): string {
  const value = token ?? randomToken();
  if (!/^[A-Za-z0-9]{1,32}$/.test(value)) throw new Error(`invalid temp token ${value}`);
  return value;
}

const q = shellQuote;

// ---------------------------------------------------------------------------------------------
// Reading

export type RemoteFileType = "file" | "missing" | "directory" | "symlink" | "other";

export interface RemoteFileState {
  /** something (of any type) exists at the path */
  exists: boolean;
  type: RemoteFileType;
  /** regular files: 4 octal digits, e.g. "0644" */
  mode?: string;
  /** regular files: "user:group" names as the node shows them (e.g. "root:root") */
  owner?: string;
  uid?: number;
  gid?: number;
  size?: number;
  /** regular files: lowercase hex sha256 of the bytes on the node */
  sha256?: string;
  /** the content as UTF-8 text (lossy when `utf8` is false); absent when not asked for or too large */
  content?: string;
  /** the exact bytes (present with `content`) */
  bytes?: Uint8Array;
  /** false when the bytes are not valid UTF-8 (then `content` has replacement characters) */
  utf8?: boolean;
  /** the file was larger than maxContentBytes: content left out */
  contentOmitted?: boolean;
}

export interface ReadFilesOptions extends PathOptions {
  /** include each file's content (base64 on the wire); default true */
  content?: boolean;
  /** leave out the content of larger files; default 4 MiB */
  maxContentBytes?: number;
}

/**
 * ONE script that prints, for each path, a header line
 *   `@@k0s-console-file@@ TAB type TAB "mode uid gid size user:group" TAB sha256 TAB b64|none TAB path`
 * (type: file, missing, directory, symlink, other; "-" where a field does not apply), followed for
 * `b64` by the content base64-encoded on one line; then `@@k0s-console-end@@`. Symlinks are not
 * followed. Exit 3 when sha256sum, stat or base64 is missing.
 */
export function readFilesScript(paths: readonly string[], options: ReadFilesOptions = {}): string {
  for (const path of paths) validateTargetPath(path, options);
  const withContent = options.content ?? true;
  const maxBytes = Math.floor(options.maxContentBytes ?? 4 * 1024 * 1024);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new Error("invalid maxContentBytes");
  const lines = [
    `# k0s console: read ${paths.length} file(s)`,
    `k0s_m=${q(FILE_MARKER)}`,
    "for k0s_t in sha256sum stat base64 tr; do",
    `  command -v "$k0s_t" >/dev/null 2>&1 || { printf 'k0s-console: %s not found on the node\\n' "$k0s_t" >&2; exit ${FILE_EXIT.missingTool}; }`,
    "done",
    // GNU and busybox ≥ 1.x take -w0; others wrap lines: join them
    "if printf 'x' | base64 -w0 >/dev/null 2>&1; then",
    '  k0s_b64() { base64 -w0 < "$1"; }',
    "else",
    "  k0s_b64() { base64 < \"$1\" | tr -d '\\n'; }",
    "fi",
    "k0s_file() {",
    "  k0s_p=$1; k0s_ty=",
    '  if [ -L "$k0s_p" ]; then k0s_ty=symlink',
    '  elif [ ! -e "$k0s_p" ]; then k0s_ty=missing',
    '  elif [ -d "$k0s_p" ]; then k0s_ty=directory',
    '  elif [ ! -f "$k0s_p" ]; then k0s_ty=other',
    "  fi",
    '  if [ -n "$k0s_ty" ]; then',
    `    printf '%s\\t%s\\t-\\t-\\tnone\\t%s\\n' "$k0s_m" "$k0s_ty" "$k0s_p"; return 0`,
    "  fi",
    `  k0s_st=$(stat -c '%a %u %g %s %U:%G' "$k0s_p") || exit ${FILE_EXIT.io}`,
    `  k0s_sum=$(sha256sum < "$k0s_p") || exit ${FILE_EXIT.io}`,
    `  k0s_sum=\${k0s_sum%% *}`,
    "  k0s_c=none",
    withContent
      ? `  k0s_sz=$(stat -c %s "$k0s_p"); [ "$k0s_sz" -le ${maxBytes} ] && k0s_c=b64`
      : "  :",
    `  printf '%s\\tfile\\t%s\\t%s\\t%s\\t%s\\n' "$k0s_m" "$k0s_st" "$k0s_sum" "$k0s_c" "$k0s_p"`,
    '  if [ "$k0s_c" = b64 ]; then',
    `    k0s_b64 "$k0s_p" || exit ${FILE_EXIT.io}`,
    "    printf '\\n'",
    "  fi",
    "}",
    ...paths.map((path) => `k0s_file ${q(path)}`),
    `printf '%s\\n' ${q(END_MARKER)}`,
  ];
  return `${lines.join("\n")}\n`;
}

export class FileStateParseError extends Error {
  constructor(message: string) {
    super(`cannot read the node's file listing: ${message}`);
    this.name = "FileStateParseError";
  }
}

/** A file's bytes did not match the checksum read with them: something wrote it meanwhile. */
export class FileChangedWhileReadError extends FileStateParseError {
  constructor(path: string) {
    super(`${path} changed while it was being read`);
    this.name = "FileChangedWhileReadError";
  }
}

function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new FileStateParseError("invalid base64 content");
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const NUMBER = /^\d+$/;

/** Parses readFilesScript's output; throws FileStateParseError on truncated or malformed output. */
export function parseReadFilesOutput(stdout: string): Map<string, RemoteFileState> {
  const result = new Map<string, RemoteFileState>();
  const lines = stdout.split("\n");
  let i = lines.findIndex((line) => line.startsWith(`${FILE_MARKER}\t`) || line === END_MARKER);
  if (i < 0) throw new FileStateParseError("no output (truncated?)");
  for (; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    if (line === END_MARKER) return result;
    const fields = line.split("\t");
    if (fields[0] !== FILE_MARKER || fields.length < 6) {
      throw new FileStateParseError(`unexpected line ${JSON.stringify(line.slice(0, 80))}`);
    }
    const [, type = "", stat = "", sum = "", content = ""] = fields;
    const path = fields.slice(5).join("\t");
    if (type !== "file") {
      if (!["missing", "directory", "symlink", "other"].includes(type)) {
        throw new FileStateParseError(`unknown file type ${JSON.stringify(type)} for ${path}`);
      }
      result.set(path, { exists: type !== "missing", type: type as RemoteFileType });
      continue;
    }
    const [mode = "", uid = "", gid = "", size = "", ...owner] = stat.split(" ");
    if (
      !/^[0-7]{1,4}$/.test(mode) ||
      ![uid, gid, size].every((n) => NUMBER.test(n)) ||
      !/^[0-9a-f]{64}$/.test(sum) ||
      (content !== "b64" && content !== "none")
    ) {
      throw new FileStateParseError(`malformed header for ${path}`);
    }
    const state: RemoteFileState = {
      exists: true,
      type: "file",
      mode: mode.padStart(4, "0"),
      owner: owner.join(" "),
      uid: Number(uid),
      gid: Number(gid),
      size: Number(size),
      sha256: sum,
    };
    if (content === "b64") {
      i += 1;
      if (i >= lines.length) throw new FileStateParseError(`content of ${path} cut off`);
      const bytes = decodeBase64(lines[i] ?? "");
      if (bytesToHex(sha256(bytes)) !== sum) {
        throw new FileChangedWhileReadError(path);
      }
      let text: string;
      let valid = true;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        valid = false;
        text = new TextDecoder("utf-8").decode(bytes);
      }
      Object.assign(state, { content: text, bytes, utf8: valid });
    } else {
      state.contentOmitted = true;
    }
    result.set(path, state);
  }
  throw new FileStateParseError("end marker missing (output truncated)");
}

// ---------------------------------------------------------------------------------------------
// Writing and restoring (the write script itself: write-script.ts)

export type RestoreStatus = "restored" | "removed" | "unchanged" | "absent";

export interface ScriptResult<S extends string = string> {
  status: S;
  /** the backup the script restored from ("restored") */
  backup?: string;
}

/** The `@@k0s-console-result@@` line of a restore script's stdout, or null. */
export function parseScriptResult<S extends string = string>(
  stdout: string,
): ScriptResult<S> | null {
  const line = stdout.split("\n").find((l) => l.startsWith(`${RESULT_MARKER}\t`));
  if (!line) return null;
  const [, status = "", backup = "-"] = line.split("\t");
  return backup !== "-" ? { status: status as S, backup } : { status: status as S };
}

/** The path a write or restore script names after FAILED_MARKER when it fails, or null. */
export function parseFailedPath(stdout: string): string | null {
  const line = stdout.split("\n").find((l) => l.startsWith(`${FAILED_MARKER}\t`));
  return line ? line.slice(FAILED_MARKER.length + 1) : null;
}

/**
 * The start of a write or restore script: `k0s_cleanup` runs `cleanup` (lines that remove the
 * temp files the script owns), `k0s_fail CODE MESSAGE` cleans up, names `$k0s_target` after
 * FAILED_MARKER on stdout, prints the reason on stderr and exits; traps; the tools check.
 */
export function scriptPreamble(cleanup: readonly string[], tools: readonly string[]): string[] {
  return [
    "k0s_target=-",
    "k0s_cleanup() {",
    ...cleanup.map((line) => `  ${line}`),
    "  :",
    "}",
    "k0s_fail() {",
    "  k0s_code=$1; shift",
    "  k0s_cleanup",
    `  printf '%s\\t%s\\n' ${q(FAILED_MARKER)} "$k0s_target"`,
    `  printf 'k0s-console: %s: %s\\n' "$k0s_target" "$*" >&2`,
    '  exit "$k0s_code"',
    "}",
    "trap k0s_cleanup EXIT",
    `trap 'exit ${FILE_EXIT.hangup}' HUP`,
    `trap 'exit ${FILE_EXIT.interrupted}' INT`,
    `trap 'exit ${FILE_EXIT.terminated}' TERM`,
    // a dropped session must not kill the script before it cleans up: writes just fail
    "trap '' PIPE",
    `for k0s_t in ${tools.join(" ")}; do`,
    `  command -v "$k0s_t" >/dev/null 2>&1 || k0s_fail ${FILE_EXIT.missingTool} "$k0s_t not found on the node"`,
    "done",
    // fsync files or directories; where `sync FILE` is refused, flush everything
    'k0s_sync() { sync "$@" 2>/dev/null || sync; }',
    `k0s_sum() { k0s_s=$(sha256sum < "$1") || return 1; printf '%s' "\${k0s_s%% *}"; }`,
    `k0s_not_regular() { [ -L "$1" ] || { [ -e "$1" ] && [ ! -f "$1" ]; }; }`,
  ];
}

export interface RestoreSpec extends PathOptions {
  /** the file to put back */
  path: string;
  /** the run's backup folder (backupDirFor(runId)) */
  backupDir: string;
  /**
   * when the folder holds no backup of the file: "fail" (exit 8, default) or "remove" the target
   * (right for a file the run created: it did not exist before)
   */
  whenNoBackup?: "fail" | "remove";
  tempToken?: string;
}

/**
 * Puts a file back from a run's backup folder with the same temp + fsync + verify + rename
 * procedure (owner, mode and timestamps of the backup kept). Prints `@@k0s-console-result@@ TAB
 * restored|removed|unchanged|absent TAB <backup or ->`. Directories the run created stay.
 */
const RESTORE_TOOLS = ["sha256sum", "stat", "cp", "mv", "rm", "mkdir"];

export function restoreScript(spec: RestoreSpec): string {
  const path = validateTargetPath(spec.path, spec);
  const backupDir = validateDirectory(spec.backupDir, spec);
  const backup = backupPathFor(backupDir, path);
  const tmp = tempPathFor(path, checkToken(spec.tempToken));
  const whenNoBackup = spec.whenNoBackup ?? "fail";
  const lines = [
    `# k0s console: restore ${path} from ${backupDir}`,
    "k0s_own_tmp=",
    ...scriptPreamble(['[ -n "$k0s_own_tmp" ] && rm -f "$k0s_tmp"', "k0s_own_tmp="], RESTORE_TOOLS),
    `k0s_target=${q(path)}`,
    `k0s_dir=${q(parentOf(path))}`,
    `k0s_tmp=${q(tmp)}`,
    `k0s_backup=${q(backup)}`,
    `if k0s_not_regular "$k0s_target"; then k0s_fail ${FILE_EXIT.notRegularFile} 'exists and is not a regular file: left alone'; fi`,
    'if [ ! -f "$k0s_backup" ] || [ -L "$k0s_backup" ]; then',
    whenNoBackup === "remove"
      ? [
          '  if [ -e "$k0s_target" ]; then',
          `    rm -f "$k0s_target" || k0s_fail ${FILE_EXIT.io} 'cannot remove the file'`,
          '    k0s_sync "$k0s_dir"',
          `    printf '%s\\tremoved\\t-\\n' ${q(RESULT_MARKER)}`,
          "  else",
          `    printf '%s\\tabsent\\t-\\n' ${q(RESULT_MARKER)}`,
          "  fi",
          `  exit ${FILE_EXIT.ok}`,
        ].join("\n")
      : `  k0s_fail ${FILE_EXIT.noBackup} "no backup at $k0s_backup"`,
    "fi",
    `k0s_want=$(k0s_sum "$k0s_backup") || k0s_fail ${FILE_EXIT.io} 'cannot read the backup'`,
    `k0s_wmeta=$(stat -c '%a %u %g' "$k0s_backup") || k0s_fail ${FILE_EXIT.io} 'cannot stat the backup'`,
    'if [ -f "$k0s_target" ]; then',
    '  k0s_cur=$(k0s_sum "$k0s_target"); k0s_meta=$(stat -c \'%a %u %g\' "$k0s_target")',
    '  if [ "$k0s_cur" = "$k0s_want" ] && [ "$k0s_meta" = "$k0s_wmeta" ]; then',
    `    printf '%s\\tunchanged\\t%s\\n' ${q(RESULT_MARKER)} "$k0s_backup"`,
    `    exit ${FILE_EXIT.ok}`,
    "  fi",
    "fi",
    "umask 022",
    `[ -d "$k0s_dir" ] || mkdir -p "$k0s_dir" || k0s_fail ${FILE_EXIT.io} "cannot create the directory $k0s_dir"`,
    "umask 077",
    `[ ! -e "$k0s_tmp" ] || k0s_fail ${FILE_EXIT.io} "$k0s_tmp already exists"`,
    "k0s_own_tmp=1",
    `cp -p "$k0s_backup" "$k0s_tmp" || k0s_fail ${FILE_EXIT.io} "cannot copy the backup to $k0s_tmp"`,
    'k0s_sync "$k0s_tmp"',
    `k0s_got=$(k0s_sum "$k0s_tmp") || k0s_fail ${FILE_EXIT.io} "cannot read back $k0s_tmp"`,
    `[ "$k0s_got" = "$k0s_want" ] || k0s_fail ${FILE_EXIT.checksumMismatch} 'the copy of the backup does not match it: target left unchanged'`,
    `mv -f "$k0s_tmp" "$k0s_target" || k0s_fail ${FILE_EXIT.renameFailed} "cannot rename $k0s_tmp over the target"`,
    "k0s_own_tmp=",
    'k0s_sync "$k0s_dir"',
    `printf '%s\\trestored\\t%s\\n' ${q(RESULT_MARKER)} "$k0s_backup"`,
    `exit ${FILE_EXIT.ok}`,
  ];
  return `${lines.join("\n")}\n`;
}

export interface CleanupOptions extends PathOptions {
  /** only temp files last modified more than this many minutes ago; default 60 */
  olderThanMinutes?: number;
}

/**
 * Removes stale temp files (`.*.k0s-console.*.tmp`, e.g. left by a SIGKILLed write) anywhere under
 * `dir` that were last modified more than `olderThanMinutes` ago, printing each path removed.
 */
export function cleanupTempFilesScript(dir: string, options: CleanupOptions = {}): string {
  const root = validateDirectory(dir, options);
  const minutes = options.olderThanMinutes ?? 60;
  if (!Number.isSafeInteger(minutes) || minutes < 0) {
    throw new Error(`invalid olderThanMinutes ${minutes}`);
  }
  const pattern = `.*${TEMP_INFIX}*${TEMP_SUFFIX}`;
  return [
    `# k0s console: remove temp files older than ${minutes} min under ${root}`,
    // no `exit`: this script is joined with others that must still run when the folder is missing
    `if [ -d ${q(root)} ]; then`,
    `  find ${q(root)} -type f -name ${q(pattern)} -mmin +${minutes} -print -exec rm -f {} ';'`,
    "fi",
    "",
  ].join("\n");
}
