import type { JoinToken, TokenRole } from "./token";

/** Where the stand-in keeps things on a test host (shared by the program and the test helpers). */
export const STANDIN_PATHS = {
  /** the single-file executable */
  binary: "/usr/local/bin/k0s",
  dir: "/var/lib/k0s-standin",
  /** one JSON line per invocation (CallRecord), kept across `k0s reset` */
  calls: "/var/lib/k0s-standin/calls.jsonl",
  /** StandinState; removed by `k0s reset` */
  state: "/var/lib/k0s-standin/state.json",
  /** containerd's stdout/stderr (and the supervisor's notes), appended across starts */
  containerdLog: "/var/log/k0s-standin/containerd.log",
  /** while it exists, `start` holds once the service is started, before it is up (a test's fault) */
  holdStart: "/var/lib/k0s-standin/hold-start",
  /** overrides the pulled images (see parseImageList) */
  imagesOverride: "/etc/k0s/standin-images",
  etc: "/etc/k0s",
  dropIns: "/etc/k0s/containerd.d",
  containerdConfig: "/etc/k0s/containerd.toml",
  run: "/run/k0s",
  criConfig: "/run/k0s/containerd-cri.toml",
  containerdSocket: "/run/k0s/containerd.sock",
  containerdState: "/run/k0s/containerd",
  containerdPidFile: "/run/k0s/k0s-standin-containerd.pid",
  defaultDataDir: "/var/lib/k0s",
} as const;

export type InstalledRole = "controller" | "worker";

export interface CallRecord {
  /** when the call started (ISO) */
  time: string;
  /** the arguments after `k0s` */
  argv: string[];
  cwd: string;
  uid: number;
  euid: number;
  gid: number;
  pid: number;
  ppid: number;
  /** the stand-in's (baked-in) k0s version */
  version: string;
  /** USER, LOGNAME, HOME, SUDO_*, SSH_CONNECTION, PATH, KUBECONFIG and K0S_* when set */
  env: Record<string, string>;
  /** `--token-file F` when given: its content (if readable) and sha256 */
  tokenFile?: { path: string; sha256?: string; content?: string; error?: string };
  exitCode: number;
  /** the error message the call printed (exit code ≠ 0) */
  error?: string;
  durationMs: number;
}

export interface InstallRecord {
  role: InstalledRole;
  /** the arguments after `install` (as given) */
  args: string[];
  /** worker components run here: worker, controller --enable-worker, controller --single */
  enableWorker: boolean;
  single: boolean;
  noTaints: boolean;
  configFile: string | undefined;
  dataDir: string;
  tokenFile: string | undefined;
  /** the decoded join token (worker, or a joining controller) */
  join: JoinToken | undefined;
  env: string[];
  /** the unit k0s would have written (the stand-in writes a copy there) */
  serviceFile: string;
  installedAt: string;
  version: string;
}

export interface ImagePull {
  image: string;
  /** sandbox: containerd's sandbox_image (k0s's pause); pod: a system pod's image */
  kind: "sandbox" | "pod";
  app?: string;
  namespace?: string;
  ok: boolean;
  /** the image ID (config digest) containerd stored */
  imageRef?: string;
  /** gRPC status and message of a failed pull */
  grpcStatus?: number;
  error?: string;
  durationMs: number;
}

export interface ContainerdRecord {
  pid: number | undefined;
  socket: string;
  /** /etc/k0s/containerd.toml as used */
  config: string;
  /** /run/k0s/containerd-cri.toml (undefined when containerd.toml is not k0s-managed) */
  criConfig: string | undefined;
  /** drop-ins merged into containerd-cri.toml, and the main config's imports */
  mergedDropIns: string[];
  imports: string[];
  sandboxImage: string;
  /** ms from spawn to CRI answering */
  readyMs: number;
}

export interface RunRecord {
  since: string;
  /** the supervisor (the "k0s" process status reports) */
  pid: number;
  /** the service is started but not up yet: `status` says not running, `start` "already running" */
  starting?: boolean;
  containerd: ContainerdRecord | undefined;
  /** every pull `start` made, sandbox first */
  pulls: ImagePull[];
  /** the pods the node reports (worker role only) */
  pods: { app: string; namespace: string; image: string }[];
}

export interface IssuedToken {
  role: TokenRole;
  createdAt: string;
  expires: string | undefined;
  sha256: string;
}

export interface StandinState {
  installed: InstallRecord | undefined;
  running: RunRecord | undefined;
  /** the previous run, after `k0s stop` (for debugging) */
  lastRun: RunRecord | undefined;
  tokens: IssuedToken[];
}
