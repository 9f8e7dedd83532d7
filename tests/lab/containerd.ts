import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { criVersion, type PullResult, pullImage } from "./cri-client";
import {
  containerdDefaultCri,
  type K0sContainerdConfig,
  mergeK0sDropIns,
  readDropIns,
} from "./k0s-drop-in-merge";
import { inNetns } from "./netns";
import { type Daemon, startDaemon } from "./proc";
import { GiveUp, waitFor } from "./wait";

/** A file to place on the sandboxed node (same fields as the renderer's RenderedFile). */
export interface NodeFile {
  /** absolute path under /etc/k0s */
  path: string;
  mode?: string;
  content: string;
}

export interface ContainerdOptions {
  name: string;
  /** empty state directory for this instance (host path) */
  dir: string;
  /** network namespace to run in (only loopback, plus the lab registry) */
  netns: string;
  /** written under /etc/k0s before containerd starts (k0s merges drop-ins at start) */
  files?: NodeFile[];
  /** k0s's pause image for this version (k0s 1.32: registry.k8s.io/pause:3.9) */
  sandboxImage?: string;
  startTimeoutMs?: number;
}

export interface ContainerdSandbox {
  name: string;
  socketPath: string;
  logFile: string;
  /** host directory that containerd sees as /etc/k0s */
  etcK0sDir: string;
  /** the k0s-style merged config it was started with */
  config: K0sContainerdConfig;
  daemon: Daemon;
  /** host path of a path under /etc/k0s as containerd sees it */
  hostPath(nodePath: string): string;
  writeFiles(files: NodeFile[]): void;
  removeFile(nodePath: string): void;
  pullImage(ref: string, timeoutMs?: number): Promise<PullResult>;
  /** containerd's log lines of the latest CRI pull of `ref` (pulls are assumed sequential) */
  pullLog(ref: string): string;
  /** the lines of pullLog(ref) that show where it went: for assertion messages */
  pullTrace(ref: string): string;
  log(): string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const ETC_K0S = "/etc/k0s";
const DROP_IN_DIR = `${ETC_K0S}/containerd.d`;

/**
 * Mount-namespace setup, run by sh as root inside `unshare --mount`: a tmpfs for containerd's
 * root/state (overlay snapshots need a real upper fs; it vanishes with the namespace), overlays on
 * /etc and /opt so containerd's side effects (/etc/cni/net.d, /opt/containerd) never touch the
 * host, and the instance's etc-k0s directory bound at /etc/k0s. `-n`: no /run/mount/utab writes.
 */
const SANDBOX_SCRIPT = `set -eu
dir=$1; shift
mount -n -t tmpfs -o mode=0700 k0lab "$dir/mnt"
for d in etc opt; do
  mkdir -p "$dir/mnt/$d/upper" "$dir/mnt/$d/work"
  mount -n -t overlay k0lab -o "lowerdir=/$d,upperdir=$dir/mnt/$d/upper,workdir=$dir/mnt/$d/work" "/$d"
done
mkdir -p /etc/k0s
mount -n --bind "$dir/etc-k0s" /etc/k0s
exec "$@"`;

/** Start containerd 1.6 the way k0s ≤ 1.35 runs it, sandboxed in `netns` and a private mount namespace. */
export async function startContainerd(options: ContainerdOptions): Promise<ContainerdSandbox> {
  const { dir } = options;
  const etcK0sDir = join(dir, "etc-k0s");
  const runK0sDir = join(dir, "run-k0s");
  for (const sub of [etcK0sDir, runK0sDir, join(dir, "mnt")]) mkdirSync(sub, { recursive: true });
  const socketPath = join(dir, "containerd.sock");
  const logFile = join(dir, "containerd.log");

  const hostPath = (nodePath: string): string => {
    if (nodePath !== ETC_K0S && !nodePath.startsWith(`${ETC_K0S}/`)) {
      throw new Error(`${nodePath}: the sandbox only maps ${ETC_K0S}`);
    }
    return join(etcK0sDir, nodePath.slice(ETC_K0S.length));
  };
  const writeFiles = (files: NodeFile[]) => {
    for (const file of files) {
      const target = hostPath(file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content, { mode: Number.parseInt(file.mode ?? "0644", 8) });
    }
  };
  writeFiles(options.files ?? []);

  // The k0s stand-in: merge drop-ins into containerd-cri.toml, main config imports the rest.
  const config = mergeK0sDropIns({
    defaultCri: await containerdDefaultCri(),
    sandboxImage: options.sandboxImage,
    dropIns: readDropIns(hostPath(DROP_IN_DIR), DROP_IN_DIR),
    criConfigPath: join(runK0sDir, "containerd-cri.toml"),
  });
  writeFileSync(join(runK0sDir, "containerd-cri.toml"), config.cri);
  writeFileSync(hostPath(`${ETC_K0S}/containerd.toml`), config.main);

  const containerdArgs = [
    "containerd",
    `--config=${ETC_K0S}/containerd.toml`,
    `--root=${join(dir, "mnt", "root")}`,
    `--state=${join(dir, "mnt", "state")}`,
    `--address=${socketPath}`,
    "--log-level=debug",
  ];
  const [cmd, args] = inNetns(options.netns, "unshare", [
    "--mount",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    SANDBOX_SCRIPT,
    "k0lab-sandbox",
    dir,
    ...containerdArgs,
  ]);
  const daemon = startDaemon(options.name, cmd, args, logFile);
  const log = () => readFileSync(logFile, "utf8");

  try {
    await waitFor(
      `${options.name}: CRI to answer`,
      async () => {
        if (!daemon.running()) throw new GiveUp("containerd exited");
        const failed = /msg="failed to load plugin io\.containerd\.grpc\.v1\.cri".*/.exec(log());
        if (failed) throw new GiveUp(failed[0]);
        return (await criVersion(socketPath)).ok;
      },
      { timeoutMs: options.startTimeoutMs ?? 15_000, describe: () => daemon.logTail(30) },
    );
  } catch (error) {
    await daemon.stop();
    throw error;
  }

  return {
    name: options.name,
    socketPath,
    logFile,
    etcK0sDir,
    config,
    daemon,
    hostPath,
    writeFiles,
    removeFile: (nodePath) => rmSync(hostPath(nodePath), { force: true }),
    pullImage: (ref, timeoutMs) => pullImage(socketPath, ref, timeoutMs),
    pullLog: (ref) => pullLogOf(log(), ref),
    pullTrace: (ref) => pullTraceOf(pullLogOf(log(), ref)) || daemon.logTail(20),
    log,
    logTail: (lines) => daemon.logTail(lines),
    stop: () => daemon.stop(),
  };
}

/** From `PullImage "<ref>"` to its `returns`/`failed` line, as containerd's CRI plugin logs them. */
export function pullLogOf(log: string, ref: string): string {
  const lines = log.split("\n");
  const marker = `PullImage \\"${ref}\\"`;
  const start = lines.findLastIndex((line) => line.includes(`msg="${marker}"`));
  if (start < 0) return "";
  const end = lines.findIndex(
    (line, index) =>
      index > start && (line.includes(`${marker} returns`) || line.includes(`${marker} failed`)),
  );
  return lines.slice(start, end < 0 ? undefined : end + 1).join("\n");
}

const TRACE_LINE =
  /PullImage|loading host directory|msg=resolv|msg="do request"|trying next host|level=error/;

export function pullTraceOf(pullLog: string): string {
  return pullLog
    .split("\n")
    .filter((line) => TRACE_LINE.test(line))
    .map((line) =>
      line.replace(/ request\.header\.[\w-]+=("(?:[^"\\]|\\.)*"|\S+)/g, "").slice(0, 400),
    )
    .join("\n");
}
