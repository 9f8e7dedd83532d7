import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, describe, test } from "node:test";
import type { RenderedFile } from "@/lib/render/types";
import {
  backupDirFor,
  cleanupTempFilesScript,
  END_MARKER,
  FILE_EXIT,
  FILE_MARKER,
  FileStateParseError,
  parseFailedPath,
  parseReadFilesOutput,
  parseScriptResult,
  readFilesScript,
  restoreScript,
  UnsafePathError,
  validateTargetPath,
} from "@/lib/runs/file-commands";
import { NodeFileError, writeNodeFiles } from "@/lib/runs/write-files";
import { parseWriteResults, type WriteFileEntry, writeFilesScript } from "@/lib/runs/write-script";
import type { ExecResult } from "@/lib/ssh/client";
import type { RootExecOptions, RootShell } from "@/lib/ssh/root-shell";

/**
 * The scripts run through a real `sh` (dash here) and, when /bin/busybox exists, through
 * `busybox sh` with a PATH of busybox applets only (every tool is busybox's, as on Alpine), in a
 * temp dir that stands in for the node's /etc/k0s (the allowed root). The scripts chown to
 * root: these tests run as root, like the whole suite.
 */
const work = mkdtempSync(path.join(tmpdir(), "file-commands-"));
const mark = path.join(work, "MARK");
after(() => rmSync(work, { recursive: true, force: true }));

interface Shell {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const shells: Shell[] = [{ name: "sh", command: "sh", args: [], env: process.env }];
if (existsSync("/bin/busybox")) {
  const applets = path.join(work, "busybox-bin");
  mkdirSync(applets);
  const list = execFileSync("/bin/busybox", ["--list"]).toString().split("\n").filter(Boolean);
  for (const applet of list) symlinkSync("/bin/busybox", path.join(applets, applet));
  shells.push({
    name: "busybox sh",
    command: "/bin/busybox",
    args: ["sh"],
    env: { ...process.env, PATH: applets },
  });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runIn(shell: Shell, script: string, input: string | Buffer = ""): Run {
  const result = spawnSync(shell.command, [...shell.args, "-c", script], {
    input,
    env: shell.env,
    cwd: work,
    maxBuffer: 64 * 1024 * 1024,
  });
  // a script that refuses early exits before reading its stdin: the write then fails with EPIPE
  const epipe = (result.error as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
  if (result.error && !(epipe && result.status !== null)) throw result.error;
  return {
    code: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

let rootCount = 0;
/** a fresh directory standing in for /etc/k0s/ (with its trailing slash) */
function freshRoot(): string {
  rootCount += 1;
  const dir = path.join(work, `root-${rootCount}`);
  mkdirSync(dir);
  return `${dir}/`;
}

function tempFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.includes(".k0s-console.")) found.push(full);
    }
  };
  walk(dir);
  return found;
}

function write(
  shell: Shell,
  root: string,
  target: string,
  content: string | Buffer,
  options: { mode?: string; runId?: string; sha256?: string; input?: string | Buffer } = {},
): Run {
  const script = writeFilesScript({
    files: [
      {
        path: target,
        mode: options.mode ?? "0644",
        sha256: options.sha256 ?? sha(content),
        size: Buffer.byteLength(content),
      },
    ],
    backupDir: `${root}.backup/${options.runId ?? "run-1"}`,
    allowedRoots: [root],
  });
  return runIn(shell, script, options.input ?? content);
}

/** writeFilesScript's outcome for the one file `write` wrote: status and backup */
function written(stdout: string) {
  const [result] = parseWriteResults(stdout);
  return (
    result &&
    (result.backup ? { status: result.status, backup: result.backup } : { status: result.status })
  );
}

/** a writeFilesScript entry for `content` */
const entry = (p: string, content: string | Buffer, mode = "0644"): WriteFileEntry => ({
  path: p,
  mode,
  sha256: sha(content),
  size: Buffer.byteLength(content),
});

const modeOf = (file: string) => (statSync(file).mode & 0o7777).toString(8).padStart(4, "0");

const HOSTILE = [
  "/etc/k0s/../passwd",
  "/etc/k0s/../../etc/shadow",
  "etc/k0s/k0s.yaml",
  "k0s.yaml",
  "/etc/k0s/a\nb",
  "/etc/k0s/a\0b",
  "/etc/k0s/tab\there",
  "/etc/shadow",
  "/etc/k0s",
  "/etc/k0s/",
  "/etc/k0s//k0s.yaml",
  "/etc/k0s/./k0s.yaml",
  "/etc/k0s/containerd.d/",
  "/etc/k0sX/k0s.yaml",
  "",
];

describe("paths, modes and run ids are checked before any script is built", () => {
  for (const hostile of HOSTILE) {
    test(`${JSON.stringify(hostile)} is refused by every builder`, () => {
      const backupDir = backupDirFor("run-1");
      assert.throws(() => validateTargetPath(hostile), UnsafePathError);
      assert.throws(() => readFilesScript(["/etc/k0s/k0s.yaml", hostile]), UnsafePathError);
      assert.throws(
        () => writeFilesScript({ files: [entry(hostile, "")], backupDir }),
        UnsafePathError,
      );
      assert.throws(() => restoreScript({ path: hostile, backupDir }), UnsafePathError);
    });
  }

  test("paths under /etc/k0s/ are accepted by default, and only those", () => {
    assert.equal(
      validateTargetPath("/etc/k0s/containerd.d/certs.d/quay.io/hosts.toml"),
      "/etc/k0s/containerd.d/certs.d/quay.io/hosts.toml",
    );
    assert.throws(() => validateTargetPath("/tmp/x"), /not under \/etc\/k0s\//);
    assert.throws(() => validateTargetPath("/etc/k0s/x", { allowedRoots: ["/etc/k0s"] }), /"\/"/);
    assert.equal(validateTargetPath("/srv/x", { allowedRoots: ["/etc/k0s/", "/srv/"] }), "/srv/x");
  });

  test("the backup folder must be under an allowed root and not overlap the target", () => {
    const files = [entry("/etc/k0s/k0s.yaml", "")];
    assert.throws(() => writeFilesScript({ files, backupDir: "/var/backups/k0s" }), /not under/);
    assert.throws(() => writeFilesScript({ files, backupDir: "/etc/k0s/../tmp" }), /'\.\.'/);
    assert.throws(
      () =>
        writeFilesScript({
          files: [entry("/etc/k0s/.backup/r/x", "")],
          backupDir: backupDirFor("r"),
        }),
      /overlap/,
    );
    assert.throws(
      () => writeFilesScript({ files: [...files, ...files], backupDir: backupDirFor("r") }),
      /appears twice/,
    );
  });

  test("run ids: letters, digits, '.', '_', '-' only", () => {
    assert.equal(backupDirFor("2024-05-01T10.00_abc"), "/etc/k0s/.backup/2024-05-01T10.00_abc");
    for (const bad of ["", ".", "..", "a/b", "a b", "$(touch x)", "a\nb", "x".repeat(129)]) {
      assert.throws(() => backupDirFor(bad), /invalid run id/, bad);
    }
  });

  test("modes and checksums are validated; every value in the script is quoted", () => {
    const backupDir = backupDirFor("r");
    const base = entry("/etc/k0s/k0s.yaml", "");
    for (const mode of ["644x", "9644", "07777", "", "0644; rm -rf /"]) {
      assert.throws(
        () => writeFilesScript({ files: [{ ...base, mode }], backupDir }),
        /mode/,
        mode,
      );
    }
    for (const bad of ["ABC", sha("").toUpperCase(), `${sha("")}0`, "$(id)"]) {
      assert.throws(
        () => writeFilesScript({ files: [{ ...base, sha256: bad }], backupDir }),
        /sha256/,
      );
    }
    for (const size of [-1, 1.5, Number.NaN]) {
      assert.throws(() => writeFilesScript({ files: [{ ...base, size }], backupDir }), /size/);
    }
    const script = writeFilesScript({
      files: [{ ...entry("/etc/k0s/it's a file", ""), mode: "600" }],
      backupDir,
    });
    assert.ok(script.includes(`k0s_target='/etc/k0s/it'\\''s a file'`), script);
    assert.ok(script.includes("chmod 0600 "));
  });
});

describe("parseReadFilesOutput", () => {
  const header = (type: string, stat: string, sum: string, content: string, p: string) =>
    [FILE_MARKER, type, stat, sum, content, p].join("\t");

  test("missing, present, directory and symlink entries", () => {
    const body = "hello\n";
    const out = [
      "noise printed by a login script",
      header("missing", "-", "-", "none", "/etc/k0s/nope"),
      header("file", "600 0 0 6 root:root", sha(body), "b64", "/etc/k0s/k0s.yaml"),
      Buffer.from(body).toString("base64"),
      header("file", "644 1000 1000 3 deploy:deploy", sha("big"), "none", "/etc/k0s/big"),
      header("directory", "-", "-", "none", "/etc/k0s/dir"),
      header("symlink", "-", "-", "none", "/etc/k0s/link"),
      END_MARKER,
      "",
    ].join("\n");
    const states = parseReadFilesOutput(out);
    assert.deepEqual(states.get("/etc/k0s/nope"), { exists: false, type: "missing" });
    const file = states.get("/etc/k0s/k0s.yaml");
    assert.equal(file?.content, body);
    assert.equal(file?.mode, "0600");
    assert.equal(file?.owner, "root:root");
    assert.equal(file?.uid, 0);
    assert.equal(file?.sha256, sha(body));
    assert.equal(file?.utf8, true);
    const big = states.get("/etc/k0s/big");
    assert.equal(big?.contentOmitted, true);
    assert.equal(big?.content, undefined);
    assert.equal(big?.uid, 1000);
    assert.deepEqual(states.get("/etc/k0s/dir"), { exists: true, type: "directory" });
    assert.deepEqual(states.get("/etc/k0s/link"), { exists: true, type: "symlink" });
  });

  test("truncated or malformed output is an error, never a partial listing", () => {
    const good = [
      header("file", "644 0 0 2 root:root", sha("x\n"), "b64", "/etc/k0s/a"),
      Buffer.from("x\n").toString("base64"),
      END_MARKER,
    ];
    assert.equal(parseReadFilesOutput(good.join("\n")).size, 1);
    assert.throws(() => parseReadFilesOutput(good.slice(0, 2).join("\n")), /end marker missing/);
    assert.throws(() => parseReadFilesOutput(good.slice(0, 1).join("\n")), FileStateParseError);
    assert.throws(() => parseReadFilesOutput(""), /no output/);
    assert.throws(
      () => parseReadFilesOutput([good[0], "not base64!", END_MARKER].join("\n")),
      /invalid base64/,
    );
    // content that does not hash to the header's sha256: the file changed while being read
    assert.throws(
      () =>
        parseReadFilesOutput(
          [good[0], Buffer.from("y\n").toString("base64"), END_MARKER].join("\n"),
        ),
      /changed while it was being read/,
    );
    assert.throws(
      () =>
        parseReadFilesOutput([header("file", "644 0 0", "x", "b64", "/a"), END_MARKER].join("\n")),
      /malformed header/,
    );
  });
});

const PAYLOADS: Array<[string, string | Buffer]> = [
  ["quotes", `it's "quoted" and 'single' \`back\``],
  ["newlines", "line one\nline two\r\n\n\nno trailing newline"],
  ["command substitution", `$(touch ${mark}) \`touch ${mark}\` ; touch ${mark} && $HOME \${IFS}`],
  ["binary-ish text", "\u0000\u0001\u0002\u001b[31m\u007f\u00ff\u00e9 ünïcødé \u{1F600}\t\\n\\0"],
  ["empty", ""],
  ["a long line", `${"a".repeat(100_000)}\n`],
  ["bytes that are not UTF-8", Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a, 0xc3, 0x28, 0x0d])],
];

for (const shell of shells) {
  describe(`scripts through ${shell.name}`, () => {
    test("create: parents made 0755, file root:root with the given mode, no temp or backup left", () => {
      const root = freshRoot();
      const target = `${root}containerd.d/certs.d/quay.io/hosts.toml`;
      const result = write(shell, root, target, "server = 'x'\n", { mode: "0640" });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(written(result.stdout), { status: "created" });
      assert.equal(readFileSync(target, "utf8"), "server = 'x'\n");
      assert.equal(modeOf(target), "0640");
      assert.equal(statSync(target).uid, 0);
      assert.equal(statSync(target).gid, 0);
      for (const dir of ["containerd.d", "containerd.d/certs.d", "containerd.d/certs.d/quay.io"]) {
        assert.equal(modeOf(`${root}${dir}`), "0755", dir);
      }
      assert.deepEqual(tempFilesUnder(root), []);
      assert.equal(existsSync(`${root}.backup`), false);
    });

    test("update: the old version is saved with its mode, then replaced by rename", () => {
      const root = freshRoot();
      const target = `${root}k0s.yaml`;
      writeFileSync(target, "old: true\n", { mode: 0o600 });
      utimesSync(target, new Date("2020-01-01"), new Date("2020-01-01"));
      const inode = statSync(target).ino;
      const result = write(shell, root, target, "new: true\n", { runId: "run-7" });
      assert.equal(result.code, 0, result.stderr);
      const backup = `${root}.backup/run-7${target}`;
      assert.deepEqual(written(result.stdout), { status: "updated", backup });
      assert.equal(readFileSync(target, "utf8"), "new: true\n");
      assert.equal(modeOf(target), "0644");
      assert.notEqual(statSync(target).ino, inode, "replaced by rename, not rewritten in place");
      assert.equal(readFileSync(backup, "utf8"), "old: true\n");
      assert.equal(modeOf(backup), "0600");
      assert.equal(statSync(backup).ino, inode, "the old version is kept by a hard link");
      assert.equal(statSync(backup).mtime.getUTCFullYear(), 2020);
      assert.equal(modeOf(`${root}.backup`), "0700", "backups may hold secrets");
      assert.deepEqual(tempFilesUnder(root), []);
    });

    test("unchanged: same content, mode and owner is not touched; a mode change alone is an update", () => {
      const root = freshRoot();
      const target = `${root}k0s.yaml`;
      assert.equal(write(shell, root, target, "same\n").code, 0);
      utimesSync(target, new Date("2021-01-01"), new Date("2021-01-01"));
      const before = statSync(target);
      const again = write(shell, root, target, "same\n", { runId: "run-2" });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(written(again.stdout), { status: "unchanged" });
      const after = statSync(target);
      assert.equal(after.ino, before.ino);
      assert.equal(after.mtimeMs, before.mtimeMs);
      assert.equal(existsSync(`${root}.backup/run-2`), false);
      assert.deepEqual(tempFilesUnder(root), []);

      const chmod = write(shell, root, target, "same\n", { runId: "run-3", mode: "0600" });
      assert.equal(written(chmod.stdout)?.status, "updated");
      assert.equal(modeOf(target), "0600");
      assert.equal(modeOf(`${root}.backup/run-3${target}`), "0644");
    });

    test("where hard links are refused (another filesystem), the backup is a copy", () => {
      const root = freshRoot();
      const target = `${root}k0s.yaml`;
      writeFileSync(target, "old\n", { mode: 0o600 });
      utimesSync(target, new Date("2020-01-01"), new Date("2020-01-01"));
      const stubs = path.join(work, `no-ln-${shell.name.replaceAll(" ", "-")}`);
      mkdirSync(stubs, { recursive: true });
      writeFileSync(
        path.join(stubs, "ln"),
        "#!/bin/sh\necho 'ln: Invalid cross-device link' >&2\nexit 1\n",
        {
          mode: 0o755,
        },
      );
      const noLinks = { ...shell, env: { ...shell.env, PATH: `${stubs}:${shell.env.PATH}` } };
      const result = write(noLinks, root, target, "new\n", { runId: "copy" });
      assert.equal(result.code, 0, result.stderr);
      const backup = `${root}.backup/copy${target}`;
      assert.deepEqual(written(result.stdout), { status: "updated", backup });
      assert.equal(readFileSync(backup, "utf8"), "old\n");
      assert.equal(statSync(backup).nlink, 1, "a copy, not a link");
      assert.equal(modeOf(backup), "0600");
      assert.equal(statSync(backup).mtime.getUTCFullYear(), 2020, "cp -p keeps the timestamp");
      assert.equal(readFileSync(target, "utf8"), "new\n");
      assert.deepEqual(tempFilesUnder(root), []);
    });

    test("a backup made earlier in the same run is kept: it holds the state before the run", () => {
      const root = freshRoot();
      const target = `${root}k0s.yaml`;
      writeFileSync(target, "v1\n");
      assert.equal(write(shell, root, target, "v2\n").code, 0);
      const third = write(shell, root, target, "v3\n");
      assert.equal(third.code, 0, third.stderr);
      const backup = `${root}.backup/run-1${target}`;
      assert.deepEqual(written(third.stdout), { status: "updated", backup });
      assert.equal(readFileSync(backup, "utf8"), "v1\n");
      assert.equal(readFileSync(target, "utf8"), "v3\n");
    });

    for (const [name, payload] of PAYLOADS) {
      test(`content round-trips exactly: ${name}`, () => {
        const root = freshRoot();
        const target = `${root}containerd.d/drop-in.toml`;
        const result = write(shell, root, target, payload);
        assert.equal(result.code, 0, result.stderr);
        const bytes = typeof payload === "string" ? Buffer.from(payload) : payload;
        assert.deepEqual(readFileSync(target), bytes);

        const read = runIn(shell, readFilesScript([target], { allowedRoots: [root] }));
        assert.equal(read.code, 0, read.stderr);
        const state = parseReadFilesOutput(read.stdout).get(target);
        assert.equal(state?.sha256, sha(bytes));
        assert.equal(state?.size, bytes.length);
        assert.deepEqual(Buffer.from(state?.bytes ?? []), bytes);
        if (typeof payload === "string") {
          assert.equal(state?.content, payload);
          assert.equal(state?.utf8, true);
        } else {
          assert.equal(state?.utf8, false);
        }
        assert.equal(existsSync(mark), false, "the content ran a command");
      });
    }

    test("a wrong checksum or a truncated transfer leaves the old file and no temp file", () => {
      const root = freshRoot();
      const target = `${root}k0s.yaml`;
      writeFileSync(target, "old\n", { mode: 0o644 });
      const inode = statSync(target).ino;
      const content = "new content\n".repeat(1000);
      const cases: Array<[string, { sha256?: string; input?: string }]> = [
        ["wrong sha256", { sha256: sha("something else") }],
        ["truncated", { input: content.slice(0, 5000) }],
      ];
      for (const [what, options] of cases) {
        const result = write(shell, root, target, content, options);
        assert.equal(result.code, FILE_EXIT.checksumMismatch, `${what}: ${result.stderr}`);
        assert.match(result.stderr, /target left unchanged/);
        assert.equal(readFileSync(target, "utf8"), "old\n", what);
        assert.equal(statSync(target).ino, inode, what);
        assert.deepEqual(tempFilesUnder(root), [], what);
        assert.equal(existsSync(`${root}.backup`), false, what);
      }
    });

    test("a directory or a symlink at the target is left alone (exit 5)", () => {
      const root = freshRoot();
      mkdirSync(`${root}dir.toml`);
      writeFileSync(`${root}real`, "real\n");
      symlinkSync(`${root}real`, `${root}link.toml`);
      for (const name of ["dir.toml", "link.toml"]) {
        const result = write(shell, root, `${root}${name}`, "x\n");
        assert.equal(result.code, FILE_EXIT.notRegularFile, result.stderr);
      }
      assert.equal(lstatSync(`${root}link.toml`).isSymbolicLink(), true);
      assert.equal(readFileSync(`${root}real`, "utf8"), "real\n");
      assert.deepEqual(readdirSync(`${root}dir.toml`), []);
      assert.deepEqual(tempFilesUnder(root), []);
    });

    test("several files in one exec: each cut exactly from the stream, created / updated / unchanged together", () => {
      const root = freshRoot();
      const same = `${root}same.toml`;
      const old = `${root}containerd.d/old.toml`;
      mkdirSync(`${root}containerd.d`);
      writeFileSync(same, "same\n", { mode: 0o644 });
      writeFileSync(old, "old\n", { mode: 0o600 });
      const sameInode = statSync(same).ino;
      const files: Array<[string, string | Buffer]> = [
        ...PAYLOADS.map(([name], i): [string, string | Buffer] => [
          `${root}certs.d/p${i}/hosts.toml`,
          PAYLOADS[i]?.[1] ?? name,
        ]),
        [same, "same\n"],
        [old, "new\n"],
      ];
      const script = writeFilesScript({
        files: files.map(([p, content]) => entry(p, content)),
        backupDir: `${root}.backup/multi`,
        allowedRoots: [root],
        after: "echo after-ran",
      });
      const result = runIn(shell, script, Buffer.concat(files.map(([, c]) => Buffer.from(c))));
      assert.equal(result.code, 0, result.stderr);
      const results = parseWriteResults(result.stdout);
      assert.deepEqual(
        results.map((r) => [r.path, r.status]),
        files.map(([p]) => [p, p === same ? "unchanged" : p === old ? "updated" : "created"]),
      );
      for (const [p, content] of files) assert.deepEqual(readFileSync(p), Buffer.from(content), p);
      assert.equal(statSync(same).ino, sameInode, "an identical file is not touched");
      const backup = `${root}.backup/multi${old}`;
      assert.deepEqual(results.at(-1)?.backup, backup);
      assert.deepEqual(results.at(-1)?.previous, {
        sha256: sha("old\n"),
        mode: "0600",
        owner: "0:0",
      });
      assert.equal(readFileSync(backup, "utf8"), "old\n");
      assert.equal(result.stdout.trim().split("\n").at(-1), "after-ran");
      assert.deepEqual(tempFilesUnder(root), []);
      assert.equal(existsSync(mark), false, "the content ran a command");
    });

    test("a stream cut short, or longer than announced, changes nothing", () => {
      const root = freshRoot();
      const kept = `${root}k0s.yaml`;
      writeFileSync(kept, "old\n");
      const contents = ["a".repeat(3000), "new\n", "c".repeat(3000)];
      const paths = [`${root}a/one.toml`, kept, `${root}c/three.toml`];
      const script = writeFilesScript({
        files: paths.map((p, i) => entry(p, contents[i] ?? "")),
        backupDir: `${root}.backup/cut`,
        allowedRoots: [root],
        after: "echo after-ran",
      });
      const whole = contents.join("");
      for (const input of [whole.slice(0, 4000), `${whole}extra`]) {
        const result = runIn(shell, script, input);
        assert.equal(result.code, FILE_EXIT.checksumMismatch, result.stderr);
        assert.match(result.stderr, /transfer incomplete; every target left unchanged/);
        assert.equal(readFileSync(kept, "utf8"), "old\n");
        assert.equal(existsSync(paths[0] ?? ""), false);
        assert.equal(existsSync(paths[2] ?? ""), false);
        assert.equal(existsSync(`${root}.backup`), false);
        assert.doesNotMatch(result.stdout, /after-ran/);
        assert.deepEqual(tempFilesUnder(root), []);
      }
    });

    test("a directory among the targets: nothing is written and the failure names it", () => {
      const root = freshRoot();
      mkdirSync(`${root}dir.toml`);
      const paths = [`${root}first.toml`, `${root}dir.toml`, `${root}last.toml`];
      const result = runIn(
        shell,
        writeFilesScript({
          files: paths.map((p) => entry(p, "x\n")),
          backupDir: `${root}.backup/r`,
          allowedRoots: [root],
        }),
        "x\nx\nx\n",
      );
      assert.equal(result.code, FILE_EXIT.notRegularFile, result.stderr);
      assert.equal(parseFailedPath(result.stdout), `${root}dir.toml`);
      assert.equal(existsSync(`${root}first.toml`), false);
      assert.equal(existsSync(`${root}last.toml`), false);
      assert.deepEqual(tempFilesUnder(root), []);
    });

    test("a target that turns into a directory or a symlink while the content arrives is left alone", async () => {
      for (const turn of ["directory", "symlink"] as const) {
        const root = freshRoot();
        const outside = path.join(work, `outside-${turn}-${shell.name.replaceAll(" ", "-")}`);
        mkdirSync(outside, { recursive: true });
        const target = `${root}b.toml`;
        const script = writeFilesScript({
          files: [entry(`${root}a.toml`, "a\n"), entry(target, "b\n")],
          backupDir: `${root}.backup/r`,
          allowedRoots: [root],
        });
        const child = spawn(shell.command, [...shell.args, "-c", script], { env: shell.env });
        const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
        let stdout = "";
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
        });
        child.stdin.write("a\n");
        await waitUntil(() => tempFilesUnder(root).length === 1); // the stream is arriving
        if (turn === "directory") mkdirSync(target);
        else symlinkSync(outside, target);
        child.stdin.end("b\n");
        assert.equal(await exited, FILE_EXIT.notRegularFile, turn);
        assert.equal(parseFailedPath(stdout), target, turn);
        assert.deepEqual(readdirSync(outside), [], `${turn}: nothing landed where it points`);
        if (turn === "directory") assert.deepEqual(readdirSync(target), [], "nothing inside");
        assert.deepEqual(tempFilesUnder(root), [], turn);
      }
    });

    test("state from the environment is ignored; the after script gets umask 022", () => {
      const root = freshRoot();
      const target = `${root}fresh.toml`;
      const script = writeFilesScript({
        files: [entry(target, "x\n"), entry(`${root}other.toml`, "y\n")],
        backupDir: `${root}.backup/r`,
        allowedRoots: [root],
        after: "umask",
      });
      const planted = {
        ...shell,
        env: { ...shell.env, k0s_ex_0: "1", k0s_st_0: "unchanged", k0s_own_stream: "1" },
      };
      const result = runIn(planted, script, "x\ny\n");
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        parseWriteResults(result.stdout).map((r) => r.status),
        ["created", "created"],
      );
      assert.equal(readFileSync(target, "utf8"), "x\n");
      assert.equal(result.stdout.trim().split("\n").at(-1), "0022");
    });

    test("readFilesScript: missing, regular, directory and symlink; content optional or capped", () => {
      const root = freshRoot();
      writeFileSync(`${root}a.toml`, "aaa\n", { mode: 0o600 });
      writeFileSync(`${root}big`, "b".repeat(2000));
      mkdirSync(`${root}dir`);
      symlinkSync(`${root}a.toml`, `${root}link`);
      const paths = ["a.toml", "missing", "big", "dir", "link", "sp ace's"].map((p) => root + p);
      const read = runIn(
        shell,
        readFilesScript(paths, { allowedRoots: [root], maxContentBytes: 1000 }),
      );
      assert.equal(read.code, 0, read.stderr);
      const states = parseReadFilesOutput(read.stdout);
      assert.deepEqual([...states.keys()], paths);
      assert.equal(states.get(`${root}a.toml`)?.content, "aaa\n");
      assert.equal(states.get(`${root}a.toml`)?.mode, "0600");
      assert.equal(states.get(`${root}a.toml`)?.owner, "root:root");
      assert.equal(states.get(`${root}missing`)?.exists, false);
      assert.equal(states.get(`${root}big`)?.contentOmitted, true);
      assert.equal(states.get(`${root}big`)?.sha256, sha("b".repeat(2000)));
      assert.equal(states.get(`${root}dir`)?.type, "directory");
      assert.equal(states.get(`${root}link`)?.type, "symlink");
      assert.equal(states.get(`${root}sp ace's`)?.exists, false);

      const bare = runIn(shell, readFilesScript(paths, { allowedRoots: [root], content: false }));
      const a = parseReadFilesOutput(bare.stdout).get(`${root}a.toml`);
      assert.equal(a?.sha256, sha("aaa\n"));
      assert.equal(a?.content, undefined);
    });

    test("restoreScript puts the backup back by the same procedure; a created file can be removed", () => {
      const root = freshRoot();
      const target = `${root}k0s.yaml`;
      const created = `${root}containerd.d/new.toml`;
      writeFileSync(target, "before\n", { mode: 0o600 });
      assert.equal(write(shell, root, target, "after\n", { runId: "r1" }).code, 0);
      assert.equal(write(shell, root, created, "new\n", { runId: "r1" }).code, 0);
      const backupDir = `${root}.backup/r1`;
      const restore = (p: string, whenNoBackup?: "fail" | "remove") =>
        runIn(shell, restoreScript({ path: p, backupDir, whenNoBackup, allowedRoots: [root] }));

      const restored = restore(target);
      assert.equal(restored.code, 0, restored.stderr);
      assert.deepEqual(parseScriptResult(restored.stdout), {
        status: "restored",
        backup: `${backupDir}${target}`,
      });
      assert.equal(readFileSync(target, "utf8"), "before\n");
      assert.equal(modeOf(target), "0600");
      assert.equal(parseScriptResult(restore(target).stdout)?.status, "unchanged");

      const none = restore(created);
      assert.equal(none.code, FILE_EXIT.noBackup);
      assert.equal(readFileSync(created, "utf8"), "new\n");
      assert.equal(parseScriptResult(restore(created, "remove").stdout)?.status, "removed");
      assert.equal(existsSync(created), false);
      assert.equal(parseScriptResult(restore(created, "remove").stdout)?.status, "absent");
      assert.deepEqual(
        tempFilesUnder(root).filter((f) => !f.includes("/.backup/")),
        [],
      );
    });

    test("SIGTERM mid-transfer: the trap removes the temp file, the target keeps its old content", async () => {
      const root = freshRoot();
      const target = `${root}k0s.yaml`;
      writeFileSync(target, "old\n");
      const content = "z".repeat(1 << 20);
      const script = writeFilesScript({
        files: [entry(target, content)],
        backupDir: `${root}.backup/r`,
        allowedRoots: [root],
      });
      const child = spawn(shell.command, [...shell.args, "-c", script], { env: shell.env });
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      child.stdin.write(content.slice(0, 4096));
      // mid-transfer: `cat` is writing the temp file (it exists a moment before the script owns it)
      await waitUntil(() => tempFilesUnder(root).some((file) => statSync(file).size > 0));
      child.kill("SIGTERM");
      child.stdin.end(); // the shell runs its trap once the running `cat` returns
      assert.equal(await exited, FILE_EXIT.terminated);
      assert.equal(readFileSync(target, "utf8"), "old\n");
      assert.deepEqual(tempFilesUnder(root), []);
    });

    test("SIGKILL mid-transfer leaves only a stray temp file; cleanupTempFilesScript removes stale ones", async () => {
      const root = freshRoot();
      const target = `${root}containerd.d/x.toml`;
      mkdirSync(`${root}containerd.d`);
      writeFileSync(target, "old\n");
      const content = "k".repeat(1 << 20);
      const script = writeFilesScript({
        files: [entry(target, content)],
        backupDir: `${root}.backup/r`,
        allowedRoots: [root],
      });
      const child = spawn(shell.command, [...shell.args, "-c", script], { env: shell.env });
      const exited = new Promise((resolve) => child.on("close", resolve));
      child.stdin.on("error", () => undefined);
      child.stdin.write(content.slice(0, 4096));
      const [stray] = await waitUntil(() => {
        const found = tempFilesUnder(root);
        return found.length === 1 ? found : undefined;
      });
      child.kill("SIGKILL");
      await exited;
      assert.equal(readFileSync(target, "utf8"), "old\n");
      assert.ok(stray && existsSync(stray), "a SIGKILLed script cannot clean up");

      // a fresh temp file (a write in progress) and an unrelated old file must stay
      const fresh = `${root}.k0s.yaml.k0s-console.fresh.tmp`;
      const unrelated = `${root}containerd.d/old-but-mine.tmp`;
      writeFileSync(fresh, "");
      writeFileSync(unrelated, "");
      const longAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(stray ?? "", longAgo, longAgo);
      utimesSync(unrelated, longAgo, longAgo);
      const cleanup = runIn(
        shell,
        cleanupTempFilesScript(root.slice(0, -1), { allowedRoots: [root] }),
      );
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.equal(cleanup.stdout.trim(), stray);
      assert.equal(existsSync(stray ?? ""), false);
      assert.equal(existsSync(fresh), true);
      assert.equal(existsSync(unrelated), true);
      assert.equal(readFileSync(target, "utf8"), "old\n");
    });

    test("cleanupTempFilesScript of a missing folder lets the scripts joined after it run", () => {
      const root = freshRoot();
      const missing = cleanupTempFilesScript(`${root}absent`, { allowedRoots: [root] });
      const result = runIn(shell, `${missing}\necho after`);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), "after");
    });
  });
}

async function waitUntil<T>(check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * writeNodeFiles through a stand-in RootShell that runs each script with the local `sh` (the
 * temp dir is the node's /etc/k0s/): the same decisions as over SSH, without SSH.
 */
function localShell(): { shell: RootShell; scripts: string[] } {
  const scripts: string[] = [];
  const shell = {
    session: { target: "local" },
    async run(script: string, options: RootExecOptions = {}): Promise<ExecResult> {
      scripts.push(script);
      // the file stages send bytes; only the k0s upload streams (tested over SSH)
      if (options.stdin instanceof Readable) throw new Error("the local shell takes no stream");
      const result = spawnSync("sh", ["-c", script], { input: options.stdin ?? "" });
      const stdout = result.stdout.toString();
      const stderr = result.stderr.toString();
      options.onStdout?.(stdout);
      options.onStderr?.(stderr);
      return { code: result.status, signal: result.signal, stdout, stderr };
    },
  };
  return { shell: shell as unknown as RootShell, scripts };
}

function rendered(p: string, content: string, mode = "0644"): RenderedFile {
  return { path: p, mode, sha256: sha(content), content };
}

describe("writeNodeFiles (local shell)", () => {
  test("nothing is run when a path is hostile or a checksum is wrong; relative paths are skipped", async () => {
    const root = freshRoot();
    const { shell, scripts } = localShell();
    const allowedRoots = [root];
    const backupBase = `${root}.backup`;
    for (const files of [
      [rendered(`${root}ok.toml`, "x"), rendered(`${root}../escape`, "x")],
      [rendered("/etc/shadow", "x")],
      [{ ...rendered(`${root}ok.toml`, "x"), sha256: sha("y") }],
      [rendered(`${root}twice`, "x"), rendered(`${root}twice`, "x")],
      [rendered(`${root}bad-mode`, "x", "rw-r--r--")],
    ]) {
      await assert.rejects(writeNodeFiles(shell, files, { runId: "r", allowedRoots, backupBase }));
    }
    await assert.rejects(
      writeNodeFiles(shell, [rendered(`${root}ok`, "x")], {
        runId: "../r",
        allowedRoots,
        backupBase,
      }),
      /invalid run id/,
    );
    // the default backup folder (/etc/k0s/.backup) is outside these allowed roots
    await assert.rejects(
      writeNodeFiles(shell, [rendered(`${root}ok`, "x")], { runId: "r", allowedRoots }),
      UnsafePathError,
    );
    assert.deepEqual(scripts, []);
    assert.deepEqual(
      await writeNodeFiles(shell, [rendered("install.sh", "#!/bin/sh\n")], {
        runId: "r",
        allowedRoots,
        backupBase,
      }),
      { files: [], afterOutput: "", code: 0 },
    );
    assert.deepEqual(scripts, []);
  });

  test("one exec each time: created, then unchanged (nothing touched), then updated with a backup", async () => {
    const root = freshRoot();
    const { shell, scripts } = localShell();
    const files = [
      rendered(`${root}k0s.yaml`, "secret-token: s3cr3t\n", "0600"),
      rendered(`${root}containerd.d/certs.d/quay.io/hosts.toml`, 'server = "http://m"\n'),
      rendered("install.sh", "#!/bin/sh\n"),
    ];
    const lines: string[] = [];
    const onLine = (stream: string, line: string) => lines.push(`${stream}: ${line}`);
    const options = { runId: "r1", allowedRoots: [root], backupBase: `${root}.backup`, onLine };
    const first = (await writeNodeFiles(shell, files, options)).files;
    assert.deepEqual(
      first.map((o) => [o.path, o.status, o.mode]),
      [
        [`${root}k0s.yaml`, "created", "0600"],
        [`${root}containerd.d/certs.d/quay.io/hosts.toml`, "created", "0644"],
      ],
    );
    assert.equal(scripts.length, 1, "both files in one exec");
    assert.ok(
      lines.includes(
        `cmd: write ${root}k0s.yaml (0600, sha256 ${sha("secret-token: s3cr3t\n").slice(0, 12)}…) unless identical`,
      ),
    );
    assert.ok(!lines.some((line) => line.includes("s3cr3t")), "contents are never echoed");

    scripts.length = 0;
    const inode = statSync(`${root}k0s.yaml`).ino;
    const second = await writeNodeFiles(shell, files, { ...options, after: "echo after" });
    assert.deepEqual(
      second.files.map((o) => o.status),
      ["unchanged", "unchanged"],
    );
    assert.equal(second.afterOutput, "after\n");
    assert.equal(scripts.length, 1);
    assert.equal(statSync(`${root}k0s.yaml`).ino, inode);

    const changed = [rendered(`${root}k0s.yaml`, "secret-token: n3w\n", "0600"), ...files.slice(1)];
    const third = (await writeNodeFiles(shell, changed, { ...options, runId: "r2" })).files;
    const backup = `${root}.backup/r2${root}k0s.yaml`;
    assert.equal(third[0]?.status, "updated");
    assert.equal(third[0]?.backup, backup);
    assert.deepEqual(third[0]?.previous, {
      sha256: sha("secret-token: s3cr3t\n"),
      mode: "0600",
      owner: "0:0",
    });
    assert.equal(third[1]?.status, "unchanged");
    assert.equal(readFileSync(backup, "utf8"), "secret-token: s3cr3t\n");
    assert.equal(readFileSync(`${root}k0s.yaml`, "utf8"), "secret-token: n3w\n");
  });

  test("a failing script becomes a NodeFileError naming the file and the reason", async () => {
    const root = freshRoot();
    mkdirSync(`${root}k0s.yaml`);
    const { shell } = localShell();
    const error = await writeNodeFiles(shell, [rendered(`${root}k0s.yaml`, "x\n")], {
      runId: "r",
      allowedRoots: [root],
      backupBase: `${root}.backup`,
    }).then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof NodeFileError);
    assert.equal(error.path, `${root}k0s.yaml`);
    assert.equal(error.failure, "notRegularFile");
    assert.match(error.message, /not a regular file/);
  });
});

test("writeNodeFiles: a session that drops after every file is written still returns the outcomes", async () => {
  const root = freshRoot();
  const { shell: local } = localShell();
  // the script runs to its end, then the channel closes without an exit status
  const dropsAtTheEnd = {
    session: { target: "root@node:22" },
    run: async (script: string, opts: RootExecOptions = {}) => ({
      ...(await local.run(script, opts)),
      code: null,
    }),
  } as unknown as RootShell;
  const written = await writeNodeFiles(dropsAtTheEnd, [rendered(`${root}k0s.yaml`, "x\n")], {
    runId: "r",
    allowedRoots: [root],
    backupBase: `${root}.backup`,
    after: "echo after",
  });
  assert.equal(written.code, null);
  assert.deepEqual(
    written.files.map((file) => file.status),
    ["created"],
  );
  assert.equal(readFileSync(`${root}k0s.yaml`, "utf8"), "x\n");
});

test("writeNodeFiles: a dropped session or a closed connection is a 'disconnected' NodeFileError", async () => {
  const root = freshRoot();
  const file = rendered(`${root}k0s.yaml`, "x\n");
  const options = { runId: "r", allowedRoots: [root], backupBase: `${root}.backup` };
  const dropping = {
    session: { target: "root@node:22" },
    // the write's channel closes without an exit status
    run: () => Promise.resolve({ code: null, signal: null, stdout: "", stderr: "" }),
  } as unknown as RootShell;
  const dropped = await writeNodeFiles(dropping, [file], options).then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  );
  assert.ok(dropped instanceof NodeFileError);
  assert.equal(dropped.kind, "disconnected");
  assert.equal(dropped.path, file.path);
  assert.match(dropped.message, /dropped before the command finished.*never a partial one/);

  const closed = {
    session: { target: "root@node:22" },
    run: () => Promise.reject(new Error("Not connected")),
  } as unknown as RootShell;
  const gone = await writeNodeFiles(closed, [file], options).then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  );
  assert.ok(gone instanceof NodeFileError);
  assert.equal(gone.kind, "disconnected");
  assert.equal(gone.path, file.path);
  assert.match(gone.message, /connection to root@node:22 is gone/);
});
