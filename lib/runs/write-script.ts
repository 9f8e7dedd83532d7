/**
 * The script that writes a node's files in ONE exec (pure: built here, run through RootShell).
 * Their contents arrive on stdin one after another; the sizes are in the script. Procedure:
 *   1. every target must be a regular file or missing (a directory, a symlink, a device: exit 5,
 *      nothing written); missing parents are created (0755);
 *   2. stdin goes to one temp file, created exclusively with umask 077; fewer or more bytes than
 *      announced (a session killed mid-transfer just closes stdin): exit 10, nothing changed;
 *   3. the targets' current sha256, mode and owner (one sha256sum and one stat for all); each
 *      file whose content, mode or owner differs gets `.<name>.k0s-console.<token>.tmp` in its
 *      own directory: its bytes cut from the received stream, `chown 0:0`, `chmod`, sha256
 *      checked, fsynced (batched: one process per step for all files where the tools allow);
 *   4. the current version of each changed file is kept at `<backupDir>/<path>` (a hard link, or
 *      `cp -p` where links are refused) unless this run kept one already (that one holds the
 *      state before the run);
 *   5. `mv -f` (rename(2), atomic within a filesystem) of each temp file over its target, then an
 *      fsync of the directories.
 * A target is therefore always its old or its new version, never a partial one; identical files
 * are not touched. On failure a trap removes the temp files (also on HUP, INT, TERM), the script
 * prints `@@k0s-console-failed@@ TAB <path>` and exits with a FILE_EXIT code, the reason on stderr.
 * A SIGKILLed script cannot clean up: the next apply's cleanupTempFilesScript does. On success:
 * one result line per file (parseWriteResults), then, when given, `after` runs in the same exec.
 */

import { shellQuote as q } from "../ssh/quote";
import {
  backupPathFor,
  checkSha256,
  checkToken,
  FILE_EXIT,
  normaliseMode,
  type PathOptions,
  parentOf,
  RESULT_MARKER,
  scriptPreamble,
  statMode,
  tempPathFor,
  UnsafePathError,
  validateDirectory,
  validateTargetPath,
} from "./file-commands";

export interface WriteFileEntry {
  /** absolute target path */
  path: string;
  /** octal, e.g. "0644" */
  mode: string;
  /** lowercase hex sha256 of the file's bytes */
  sha256: string;
  /** the number of bytes the file takes on stdin */
  size: number;
}

export interface WriteFilesSpec extends PathOptions {
  /** written in this order; their contents follow one another on stdin in this order */
  files: readonly WriteFileEntry[];
  /** the run's backup folder, e.g. backupDirFor(runId) (must itself be under an allowed root) */
  backupDir: string;
  /** random by default; fixed in tests */
  tempToken?: string;
  /** a script run after the files are written, in the same exec (stdin /dev/null), its stdout after AFTER_MARKER */
  after?: string;
}

export type WriteStatus = "created" | "updated" | "unchanged";

export interface WriteResult {
  path: string;
  status: WriteStatus;
  /** where the version before this run is saved ("updated") */
  backup?: string;
  /** the node's version before the write ("updated") */
  previous?: { sha256: string; mode: string; owner: string };
}

export const AFTER_MARKER = "@@k0s-console-after@@";

const TOOLS = ["sha256sum", "stat", "cat", "cp", "ln", "mv", "rm", "chown", "chmod", "mkdir"];

interface Planned extends WriteFileEntry {
  /** the index in the script's variable names */
  i: number;
  /** the 1-based byte offset of its content in the received stream (tail -c +N) */
  from: number;
  tmp: string;
  backup: string;
  btmp: string;
}

function plan(spec: WriteFilesSpec, token: string): { files: Planned[]; backupDir: string } {
  if (spec.files.length === 0) throw new Error("no files to write");
  const backupDir = validateDirectory(spec.backupDir, spec);
  const seen = new Set<string>();
  let from = 1;
  const files = spec.files.map((file, i) => {
    const path = validateTargetPath(file.path, spec);
    if (seen.has(path)) throw new UnsafePathError(path, "appears twice in the files to write");
    seen.add(path);
    const backup = backupPathFor(backupDir, path);
    if (`${backup}/`.startsWith(`${path}/`) || `${path}/`.startsWith(`${backupDir}/`)) {
      throw new UnsafePathError(path, "the target and the backup folder overlap");
    }
    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new Error(`${path}: invalid size ${file.size}`);
    }
    const planned: Planned = {
      path,
      mode: normaliseMode(file.mode),
      sha256: checkSha256(file.sha256),
      size: file.size,
      i,
      from,
      tmp: tempPathFor(path, token),
      backup,
      btmp: tempPathFor(backup, token),
    };
    from += file.size;
    return planned;
  });
  return { files, backupDir };
}

/** The stream's temp file: the only file's own temp file, or one beside the first file. */
function streamPath(files: readonly Planned[], token: string): string {
  const [first] = files;
  if (!first) throw new Error("no files to write");
  if (files.length === 1) return first.tmp;
  const stream = tempPathFor(`${parentOf(first.path)}/k0s-console-stdin`, token);
  if (files.some((file) => file.tmp === stream)) {
    throw new UnsafePathError(first.path, "collides with the console's own temp file");
  }
  return stream;
}

const status = (file: Planned) => `$k0s_st_${file.i}`;
const changed = (file: Planned) => `[ "${status(file)}" != unchanged ]`;

/**
 * Sets "$@" to `item(file)` for each file that passes `test` (a shell condition), then runs
 * `command` when there is any: one process for a batch instead of one per file.
 */
function batch(
  files: readonly Planned[],
  test: (file: Planned) => string,
  item: (file: Planned) => string,
  command: string,
): string[] {
  return [
    "set --",
    ...files.map((file) => `${test(file)} && set -- "$@" ${q(item(file))}`),
    `[ $# -eq 0 ] || ${command}`,
  ];
}

function receive(files: readonly Planned[], stream: string): string[] {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  return [
    "umask 077",
    "k0s_target=-",
    // exclusive create: never write through something that already has the temp name
    "set -C",
    `{ : > ${q(stream)}; } 2>/dev/null || { set +C; k0s_fail ${FILE_EXIT.io} ${q(`cannot create ${stream}`)}; }`,
    "set +C",
    "k0s_own_stream=1",
    `cat > ${q(stream)} || k0s_fail ${FILE_EXIT.io} ${q(`cannot write ${stream} (disk full?)`)}`,
    `k0s_got=$(stat -c %s ${q(stream)}) || k0s_fail ${FILE_EXIT.io} 'cannot stat the received content'`,
    `[ "$k0s_got" = ${total} ] || k0s_fail ${FILE_EXIT.checksumMismatch} "received $k0s_got bytes, expected ${total}: transfer incomplete; every target left unchanged"`,
  ];
}

/**
 * created / updated / unchanged for every file from ONE sha256sum and ONE stat over the existing
 * targets; their output lines come in argument order and are split with IFS (no process).
 */
function decide(files: readonly Planned[]): string[] {
  const take = (line: (file: Planned) => string) =>
    files.map((file) => `if [ -n "$k0s_ex_${file.i}" ]; then ${line(file)}; shift; fi`);
  return [
    "k0s_target=-",
    ...batch(
      files,
      (file) => `[ -f ${q(file.path)} ] && k0s_ex_${file.i}=1`,
      (file) => file.path,
      [
        "{",
        `  k0s_sums=$(sha256sum "$@") || k0s_fail ${FILE_EXIT.io} 'cannot read the current files'`,
        `  k0s_stats=$(stat -c '%a %u %g' "$@") || k0s_fail ${FILE_EXIT.io} 'cannot stat the current files'`,
        "}",
      ].join("\n"),
    ),
    "set -f; k0s_ifs=$IFS; IFS=$k0s_nl",
    "set -- $k0s_sums",
    // sha256sum marks a name it had to escape with a leading backslash
    ...take((file) => `k0s_h=\${1%% *}; k0s_cur_${file.i}=\${k0s_h#\\\\}`),
    "set -- $k0s_stats",
    ...take((file) => `k0s_meta_${file.i}=$1`),
    "IFS=$k0s_ifs; set +f",
    ...files.map((file) =>
      [
        `k0s_st_${file.i}=created`,
        `if [ -n "$k0s_ex_${file.i}" ]; then`,
        `  k0s_st_${file.i}=updated`,
        `  [ "$k0s_cur_${file.i}" = ${file.sha256} ] && [ "$k0s_meta_${file.i}" = ${q(`${statMode(file.mode)} 0 0`)} ] && k0s_st_${file.i}=unchanged`,
        "fi",
      ].join("\n"),
    ),
  ];
}

/** Each changed file's bytes, cut from the stream into its temp file (the only file's temp file IS the stream). */
function cut(file: Planned, stream: string): string[] {
  const { i, path, tmp } = file;
  return [
    `if ${changed(file)}; then`,
    `  k0s_target=${q(path)}`,
    "  set -C",
    `  { : > ${q(tmp)}; } 2>/dev/null || { set +C; k0s_fail ${FILE_EXIT.io} ${q(`cannot create ${tmp}`)}; }`,
    "  set +C",
    `  k0s_own_${i}=1`,
    // tail's "broken pipe" once head has its bytes is expected (SIGPIPE is ignored here)
    `  tail -c +${file.from} ${q(stream)} 2>/dev/null | head -c ${file.size} > ${q(tmp)} || k0s_fail ${FILE_EXIT.io} ${q(`cannot write ${tmp} (disk full?)`)}`,
    "fi",
  ];
}

/** Owner, mode, checksum and fsync of the changed files' temp files, batched. */
function seal(files: readonly Planned[]): string[] {
  const modes = [...new Set(files.map((file) => file.mode))];
  return [
    "k0s_target=-",
    ...batch(
      files,
      changed,
      (f) => f.tmp,
      `chown 0:0 "$@" || k0s_fail ${FILE_EXIT.io} 'chown root:root failed'`,
    ),
    ...modes.flatMap((mode) =>
      batch(
        files.filter((file) => file.mode === mode),
        changed,
        (f) => f.tmp,
        `chmod ${mode} "$@" || k0s_fail ${FILE_EXIT.io} 'chmod ${mode} failed'`,
      ),
    ),
    "k0s_list=",
    ...files.map((f) => `${changed(f)} && k0s_list=$k0s_list${q(`${f.sha256}  ${f.tmp}`)}$k0s_nl`),
    'if [ -n "$k0s_list" ] && ! printf %s "$k0s_list" | sha256sum -c >/dev/null 2>&1; then',
    // which one: only on this failure path, one file at a time
    ...files.map((f) =>
      [
        `  if ${changed(f)}; then`,
        `    k0s_target=${q(f.path)}; k0s_got=$(k0s_sum ${q(f.tmp)})`,
        `    [ "$k0s_got" = ${f.sha256} ] || k0s_fail ${FILE_EXIT.checksumMismatch} "received content has sha256 $k0s_got, expected ${f.sha256}: transfer altered; target left unchanged"`,
        "  fi",
      ].join("\n"),
    ),
    `  k0s_fail ${FILE_EXIT.checksumMismatch} 'sha256sum -c failed: every target left unchanged'`,
    "fi",
    ...batch(files, changed, (f) => f.tmp, 'k0s_sync "$@"'),
  ];
}

/**
 * The version before this run of each updated file, unless this run saved one already: a hard
 * link (the rename that follows detaches it from the target; no copy, nothing to fsync but the
 * directory), or a `cp -p` + rename where links are refused (another filesystem).
 */
function backUp(files: readonly Planned[]): string[] {
  const needed = (f: Planned) => `[ "${status(f)}" = updated ] && [ ! -e ${q(f.backup)} ]`;
  return [
    ...files.map((f) => `k0s_bk_${f.i}=; ${needed(f)} && k0s_bk_${f.i}=1`),
    ...batch(
      files,
      (f) => `[ -n "$k0s_bk_${f.i}" ]`,
      (f) => parentOf(f.backup),
      `mkdir -p "$@" || k0s_fail ${FILE_EXIT.backupFailed} 'cannot create the backup folder'`,
    ),
    ...files.map((f) =>
      [
        `if [ -n "$k0s_bk_${f.i}" ] && ! ln ${q(f.path)} ${q(f.backup)} 2>/dev/null; then`,
        `  k0s_target=${q(f.path)}; k0s_bown_${f.i}=1`,
        `  cp -p ${q(f.path)} ${q(f.btmp)} || k0s_fail ${FILE_EXIT.backupFailed} ${q(`cannot copy the current file to ${parentOf(f.backup)}`)}`,
        `  k0s_sync ${q(f.btmp)}`,
        `  mv -f ${q(f.btmp)} ${q(f.backup)} || k0s_fail ${FILE_EXIT.backupFailed} ${q(`cannot save ${f.backup}`)}`,
        `  k0s_bown_${f.i}=`,
        "fi",
      ].join("\n"),
    ),
  ];
}

function commit(file: Planned, single: boolean): string[] {
  const { i, path, tmp, backup } = file;
  const owned = single ? "k0s_own_stream" : `k0s_own_${i}`;
  return [
    `k0s_target=${q(path)}; k0s_saved=-; k0s_was=-`,
    `if ${changed(file)}; then`,
    // checked again: a target that became a directory or a symlink meanwhile would take the
    // temp file inside it (or wherever it points) instead of being replaced
    `  k0s_not_regular "$k0s_target" && k0s_fail ${FILE_EXIT.notRegularFile} 'became a directory, symlink or device while being written: left alone'`,
    `  mv -f ${q(tmp)} ${q(path)} || k0s_fail ${FILE_EXIT.renameFailed} ${q(`cannot rename ${tmp} over the target`)}`,
    `  ${owned}=`,
    `  [ "${status(file)}" = updated ] && k0s_saved=${q(backup)} && k0s_was="$k0s_cur_${i} $k0s_meta_${i}"`,
    "fi",
    `printf '%s\\t%s\\t%s\\t%s\\t%s\\n' ${q(RESULT_MARKER)} "${status(file)}" "$k0s_saved" "$k0s_was" "$k0s_target"`,
  ];
}

function cleanupLines(files: readonly Planned[], stream: string, single: boolean): string[] {
  const remove = (flag: string, path: string) => [
    `[ -n "$${flag}" ] && rm -f ${q(path)}`,
    `${flag}=`,
  ];
  return [
    ...remove("k0s_own_stream", stream),
    ...files.flatMap((file) => [
      ...(single ? [] : remove(`k0s_own_${file.i}`, file.tmp)),
      ...remove(`k0s_bown_${file.i}`, file.btmp),
    ]),
  ];
}

/** The script (see the module comment); contents on stdin in `spec.files` order. */
export function writeFilesScript(spec: WriteFilesSpec): string {
  const token = checkToken(spec.tempToken);
  const { files, backupDir } = plan(spec, token);
  const stream = streamPath(files, token);
  const single = files.length === 1;
  const dirs = [...new Set(files.map((file) => parentOf(file.path)))];
  const lines = [
    `# k0s console: write ${files.length} file(s) (contents on stdin), backups to ${backupDir}`,
    // nothing inherited from the environment may pass for the script's own state
    "k0s_own_stream=; k0s_sums=; k0s_stats=; k0s_list=",
    ...files.map(({ i }) =>
      ["ex", "cur", "meta", "st", "own", "bown", "bk"]
        .map((name) => `k0s_${name}_${i}=`)
        .join("; "),
    ),
    ...scriptPreamble(
      cleanupLines(files, stream, single),
      single ? TOOLS : [...TOOLS, "tail", "head"],
    ),
    "k0s_nl='\n'",
    "umask 022",
    `mkdir -p ${dirs.map(q).join(" ")} || k0s_fail ${FILE_EXIT.io} 'cannot create the directories'`,
    ...files.map(
      (file) =>
        `k0s_target=${q(file.path)}; if k0s_not_regular "$k0s_target"; then k0s_fail ${FILE_EXIT.notRegularFile} 'exists and is not a regular file (directory, symlink, device…): left alone'; fi`,
    ),
    ...receive(files, stream),
    ...decide(files),
    ...(single ? [] : files.flatMap((file) => cut(file, stream))),
    ...seal(files),
    ...backUp(files),
    ...files.flatMap((file) => commit(file, single)),
    // the renames and the backup links are durable once their directories are fsynced
    "set --",
    ...files.map((f) => `${changed(f)} && set -- "$@" ${q(parentOf(f.path))}`),
    ...files.map((f) => `[ -n "$k0s_bk_${f.i}" ] && set -- "$@" ${q(parentOf(f.backup))}`),
    '[ $# -eq 0 ] || k0s_sync "$@"',
    "k0s_cleanup",
    "trap - EXIT HUP INT TERM",
  ];
  if (spec.after !== undefined)
    lines.push(
      `printf '%s\\n' ${q(AFTER_MARKER)}`,
      // the caller's script gets the usual umask and SIGPIPE back
      "umask 022; trap - PIPE",
      `{\n:\n${spec.after}\n} </dev/null`,
    );
  else lines.push(`exit ${FILE_EXIT.ok}`);
  return `${lines.join("\n")}\n`;
}

/** The result lines of writeFilesScript's stdout, in file order (only up to the `after` part). */
export function parseWriteResults(stdout: string): WriteResult[] {
  const own = stdout.split(`\n${AFTER_MARKER}\n`)[0] ?? "";
  return own
    .split("\n")
    .filter((line) => line.startsWith(`${RESULT_MARKER}\t`))
    .map((line) => {
      const [, state = "", backup = "-", was = "-", ...rest] = line.split("\t");
      const result: WriteResult = { path: rest.join("\t"), status: state as WriteStatus };
      if (backup !== "-") result.backup = backup;
      const [sha256, mode, uid, gid] = was.split(" ");
      if (state === "updated" && sha256 && mode && uid && gid)
        result.previous = { sha256, mode: mode.padStart(4, "0"), owner: `${uid}:${gid}` };
      return result;
    });
}

/** The stdout of the `after` script ("" when there was none or it did not run). */
export function afterOutput(stdout: string): string {
  const at = stdout.indexOf(`${AFTER_MARKER}\n`);
  return at < 0 ? "" : stdout.slice(at + AFTER_MARKER.length + 1);
}
