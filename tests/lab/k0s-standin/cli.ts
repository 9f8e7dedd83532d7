/**
 * The k0s stand-in: a `k0s` executable for the lab's test hosts (bundled into one file by
 * build.ts; runs with /usr/bin/node only, never touching the repository at run time).
 * It implements the CLI surface the console uses, records every call, and on `start` does what
 * k0s ≤ 1.35 does with the mirror config: merges /etc/k0s/containerd.d/*.toml drop-ins that have
 * a CRI table into its default CRI config, starts the real containerd with it and pulls the k0s
 * system images through CRI, so `k0s kubectl get pods -A` shows ImagePullBackOff for any image
 * a misconfigured mirror did not serve. See tests/lab/README.md ("k0s stand-in").
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { criVersion, pullImage } from "../cri-client";
import {
  CRI_PLUGIN,
  containerdDefaultCri,
  isTable,
  K0S_MANAGED_MARKER,
  mergeK0sDropIns,
  readDropIns,
  type Table,
} from "../k0s-drop-in-merge";
import {
  overrideRepository,
  parseImageList,
  parseStandinVersion,
  type SystemImages,
  systemImagesFor,
  usesContainerd2,
} from "./images";
import { formatPods, type GetPodsOptions, podViews } from "./kubectl";
import {
  type CallRecord,
  type ContainerdRecord,
  type ImagePull,
  type InstalledRole,
  type InstallRecord,
  STANDIN_PATHS as P,
  type RunRecord,
  type StandinState,
} from "./state";
import { createJoinToken, decodeJoinToken, type JoinToken, parseDuration } from "./token";

const VERSION = parseStandinVersion(
  (globalThis as { K0S_STANDIN_VERSION?: string }).K0S_STANDIN_VERSION ?? "v1.32.8+k0s.0",
);
const CONTAINERD = "/usr/bin/containerd";
const CRI_READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** An error k0s would print as `Error: <message>` (exit 1). */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** print as is (no "Error: " prefix) */
    readonly raw = false,
  ) {
    super(message);
  }
}

interface Io {
  out: string[];
  err: string[];
}

// --- flags (pflag-like: --name, --name=value, --name value, -x value, -xvalue) ---

type FlagType = "bool" | "string" | "array";
interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
}
type FlagValues = Map<string, string | boolean | string[]>;

const PERSISTENT: FlagSpec[] = [
  { name: "debug", short: "d", type: "bool" },
  { name: "verbose", short: "v", type: "bool" },
  { name: "data-dir", type: "string" },
  { name: "status-socket", type: "string" },
  { name: "debugListenOn", type: "string" },
  { name: "help", short: "h", type: "bool" },
];
const WORKER_FLAGS: FlagSpec[] = [
  { name: "token-file", type: "string" },
  { name: "labels", type: "string" },
  { name: "taints", type: "string" },
  { name: "kubelet-extra-args", type: "string" },
  { name: "kubelet-root-dir", type: "string" },
  { name: "profile", type: "string" },
  { name: "cri-socket", type: "string" },
  { name: "iptables-mode", type: "string" },
  { name: "ignore-pre-flight-checks", type: "bool" },
  { name: "logging", short: "l", type: "string" },
];
const CONTROLLER_FLAGS: FlagSpec[] = [
  { name: "config", short: "c", type: "string" },
  { name: "enable-worker", type: "bool" },
  { name: "single", type: "bool" },
  { name: "no-taints", type: "bool" },
  { name: "disable-components", type: "string" },
  { name: "enable-dynamic-config", type: "bool" },
  { name: "enable-metrics-scraper", type: "bool" },
  { name: "enable-k0s-cloud-provider", type: "bool" },
  { name: "kube-controller-manager-extra-args", type: "string" },
  { name: "init-only", type: "bool" },
  { name: "feature-gates", type: "string" },
  { name: "api-server-stop-timeout", type: "string" },
];
const INSTALL_FLAGS: FlagSpec[] = [
  { name: "force", type: "bool" },
  { name: "env", short: "e", type: "array" },
  // --start exists since k0s 1.35
  ...(VERSION.major === 1 && VERSION.minor < 35 ? [] : [{ name: "start", type: "bool" as const }]),
];

function parseFlags(args: string[], specs: FlagSpec[]): { flags: FlagValues; rest: string[] } {
  const all = [...PERSISTENT, ...specs];
  const flags: FlagValues = new Map();
  const rest: string[] = [];
  const set = (spec: FlagSpec, value: string | boolean) => {
    if (spec.type === "array") {
      const list = (flags.get(spec.name) as string[] | undefined) ?? [];
      flags.set(spec.name, [...list, String(value)]);
    } else if (spec.type === "bool") {
      if (typeof value === "string" && !["true", "false"].includes(value)) {
        throw new CliError(
          `invalid argument "${value}" for "--${spec.name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
        );
      }
      flags.set(spec.name, value === true || value === "true");
    } else {
      flags.set(spec.name, String(value));
    }
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = all.find((s) => s.name === name);
      if (!spec) throw new CliError(`unknown flag: --${name}`);
      if (eq >= 0) set(spec, arg.slice(eq + 1));
      else if (spec.type === "bool") set(spec, true);
      else {
        const value = args[i + 1];
        if (value === undefined) throw new CliError(`flag needs an argument: --${name}`);
        set(spec, value);
        i += 1;
      }
    } else if (arg.startsWith("-") && arg.length > 1) {
      const short = arg.slice(1, 2);
      const spec = all.find((s) => s.short === short);
      if (!spec) throw new CliError(`unknown shorthand flag: '${short}' in ${arg}`);
      const inline = arg.slice(2).replace(/^=/, "");
      if (spec.type === "bool") set(spec, inline === "" ? true : inline);
      else if (inline !== "") set(spec, inline);
      else {
        const value = args[i + 1];
        if (value === undefined) {
          throw new CliError(`flag needs an argument: '${short}' in -${short}`);
        }
        set(spec, value);
        i += 1;
      }
    } else {
      rest.push(arg);
    }
  }
  return { flags, rest };
}

const flagString = (flags: FlagValues, name: string) => {
  const value = flags.get(name);
  return typeof value === "string" ? value : undefined;
};
const flagBool = (flags: FlagValues, name: string) => flags.get(name) === true;

// --- state ---

function readState(): StandinState {
  try {
    const state = JSON.parse(readFileSync(P.state, "utf8")) as Partial<StandinState>;
    return {
      installed: state.installed,
      running: state.running,
      lastRun: state.lastRun,
      tokens: state.tokens ?? [],
    };
  } catch {
    return { installed: undefined, running: undefined, lastRun: undefined, tokens: [] };
  }
}

function writeState(state: StandinState) {
  mkdirSync(P.dir, { recursive: true });
  const tmp = `${P.state}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, P.state);
}

/** A pid that is alive, not a zombie, and (optionally) has `marker` in its command line. */
function alive(pid: number | undefined, marker?: string): boolean {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    if (!marker) return true;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
  } catch {
    return false;
  }
}

const SUPERVISOR_MARKER = "k0s-standin-supervisor";
const SUPERVISOR_SCRIPT = `/run/k0s/${SUPERVISOR_MARKER}.sh`;

/** The run record if the supervisor still runs (a reboot or a kill ends it). */
function liveRun(state: StandinState): RunRecord | undefined {
  return state.running && alive(state.running.pid, SUPERVISOR_MARKER) ? state.running : undefined;
}

/** The run record once k0s is up: started, and no longer starting. */
function upRun(state: StandinState): RunRecord | undefined {
  const run = liveRun(state);
  return run?.starting ? undefined : run;
}

function requireRoot(message = "this command must be run as root") {
  if (process.geteuid?.() !== 0) throw new CliError(message);
}

function serviceFileFor(role: InstalledRole) {
  return `/etc/systemd/system/k0s${role}.service`;
}

const logrus = (level: "info" | "warning" | "error" | "fatal", msg: string) =>
  `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}\n`;

// --- commands ---

function version(io: Io) {
  io.out.push(`${VERSION.text}\n`);
}

function loadClusterConfig(path: string): Table {
  if (path === "-")
    throw new CliError("cannot read the k0s config from stdin for an installed service");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`failed to load config: ${errnoMessage(error, path)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new CliError(
      `failed to load config: ${path}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (!isTable(doc) || doc.kind !== "ClusterConfig" || typeof doc.apiVersion !== "string") {
    throw new CliError(
      `failed to load config: ${path}: not a k0s ClusterConfig (apiVersion k0s.k0sproject.io/v1beta1, kind ClusterConfig)`,
    );
  }
  return doc;
}

function errnoMessage(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `open ${path}: no such file or directory`;
  if (code === "EACCES") return `open ${path}: permission denied`;
  if (code === "EISDIR") return `read ${path}: is a directory`;
  return (error as Error).message;
}

function readTokenFile(path: string, expected: "worker" | "controller"): JoinToken {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`failed to read token file: ${errnoMessage(error, path)}`);
  }
  if (text.trim() === "") throw new CliError(`failed to read token file: ${path} is empty`);
  let token: JoinToken;
  try {
    token = decodeJoinToken(text);
  } catch (error) {
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
  if (token.role !== expected) {
    throw new CliError(`wrong token type ${token.role}, expected type: ${expected} (${path})`);
  }
  return token;
}

async function install(args: string[], io: Io, state: StandinState) {
  const [kind, ...rest] = args;
  if (kind !== "controller" && kind !== "worker") {
    if (kind === undefined || kind === "--help" || kind === "-h") {
      io.out.push(
        "Usage:\n  k0s install [command]\n\nAvailable Commands:\n  controller\n  worker\n",
      );
      return;
    }
    throw new CliError(`unknown command "${kind}" for "k0s install"`);
  }
  const specs =
    kind === "controller"
      ? [...INSTALL_FLAGS, ...WORKER_FLAGS, ...CONTROLLER_FLAGS]
      : [...INSTALL_FLAGS, ...WORKER_FLAGS];
  const { flags, rest: positional } = parseFlags(rest, specs);
  if (positional.length > 0) {
    throw new CliError(`unknown command "${positional[0]}" for "k0s install ${kind}"`);
  }
  requireRoot();
  const serviceFile = serviceFileFor(kind);
  const force = flagBool(flags, "force");
  const existing =
    state.installed?.serviceFile ??
    [serviceFileFor("controller"), serviceFileFor("worker")].find(existsSync);
  if (existing && !force) {
    throw new CliError(`failed to install ${kind} service: Init already exists: ${existing}`);
  }

  let configFile: string | undefined;
  let join: JoinToken | undefined;
  const tokenFile = flagString(flags, "token-file");
  if (kind === "controller") {
    configFile = flagString(flags, "config");
    if (configFile === undefined && existsSync(`${P.etc}/k0s.yaml`))
      configFile = `${P.etc}/k0s.yaml`;
    if (configFile !== undefined) loadClusterConfig(configFile);
    if (tokenFile !== undefined) join = readTokenFile(tokenFile, "controller");
  } else {
    if (tokenFile === undefined) {
      throw new CliError(
        "failed to install worker service: a worker needs a join token: give --token-file (k0s token create --role=worker on a controller)",
      );
    }
    join = readTokenFile(tokenFile, "worker");
  }
  const single = kind === "controller" && flagBool(flags, "single");
  const record: InstallRecord = {
    role: kind,
    args: rest,
    enableWorker: kind === "worker" || single || flagBool(flags, "enable-worker"),
    single,
    noTaints: flagBool(flags, "no-taints"),
    configFile,
    dataDir: flagString(flags, "data-dir") ?? P.defaultDataDir,
    tokenFile,
    join,
    env: (flags.get("env") as string[] | undefined) ?? [],
    serviceFile,
    installedAt: new Date().toISOString(),
    version: VERSION.text,
  };
  if (existing && existing !== serviceFile) rmSync(existing, { force: true });
  mkdirSync(dirname(serviceFile), { recursive: true });
  writeFileSync(serviceFile, unitFile(kind, rest));
  state.installed = record;
  writeState(state);
  if (flagBool(flags, "start")) await start(state);
}

/** Roughly k0s's systemd unit (the stand-in never runs systemd; the file marks "installed"). */
function unitFile(role: InstalledRole, args: string[]): string {
  return [
    "# written by the k0s stand-in (tests/lab/k0s-standin): no systemd runs on lab hosts",
    "[Unit]",
    "Description=k0s - Zero Friction Kubernetes",
    "Documentation=https://docs.k0sproject.io",
    "ConditionFileIsExecutable=/usr/local/bin/k0s",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "StartLimitInterval=5",
    "StartLimitBurst=10",
    `ExecStart=/usr/local/bin/k0s ${[role, ...args.filter((a) => a !== "--force")].join(" ")}`,
    "RestartSec=10",
    "Delegate=yes",
    "KillMode=process",
    "LimitCORE=infinity",
    "TasksMax=infinity",
    "TimeoutStartSec=0",
    "LimitNOFILE=999999",
    "Restart=always",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

function controllerAddress(installed: InstallRecord): string {
  if (installed.configFile) {
    try {
      const config = loadClusterConfig(installed.configFile);
      const spec = isTable(config.spec) ? config.spec : {};
      const api = isTable(spec.api) ? spec.api : {};
      for (const key of ["externalAddress", "address"]) {
        const value = api[key];
        if (typeof value === "string" && value !== "") return value;
      }
    } catch {
      // fall back to the interface address
    }
  }
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return "127.0.0.1";
}

function tokenCreate(args: string[], io: Io, state: StandinState) {
  const [sub, ...rest] = args;
  if (sub !== "create") {
    throw new CliError(
      sub === undefined
        ? "k0s token: give a subcommand (create)"
        : `unknown command "${sub}" for "k0s token"`,
    );
  }
  const { flags, rest: positional } = parseFlags(rest, [
    { name: "role", type: "string" },
    { name: "expiry", type: "string" },
    { name: "wait", type: "bool" },
    { name: "config", short: "c", type: "string" },
  ]);
  if (positional.length > 0)
    throw new CliError(`unknown command "${positional[0]}" for "k0s token create"`);
  const role = flagString(flags, "role") ?? "worker";
  if (role !== "worker" && role !== "controller") {
    throw new CliError(`unsupported role "${role}"; supported roles are "controller" and "worker"`);
  }
  const expiryMs = parseDuration(flagString(flags, "expiry") ?? "0s");
  requireRoot();
  const installed = state.installed;
  if (installed?.role !== "controller") {
    throw new CliError(
      `failed to create join token: open ${installed?.dataDir ?? P.defaultDataDir}/pki/admin.conf: no such file or directory (token create works on a controller only)`,
    );
  }
  if (!upRun(state)) {
    throw new CliError(
      "failed to create join token: k0s is not running on this controller (the connection to the server localhost:6443 was refused)",
    );
  }
  const expires = expiryMs > 0 ? new Date(Date.now() + expiryMs).toISOString() : undefined;
  const { text } = createJoinToken({
    role,
    controller: controllerAddress(installed),
    issuer: hostname(),
    expires,
  });
  state.tokens.push({
    role,
    createdAt: new Date().toISOString(),
    expires,
    sha256: createHash("sha256").update(text).digest("hex"),
  });
  writeState(state);
  io.out.push(`${text}\n`);
}

function requireInstalled(state: StandinState): InstallRecord {
  if (!state.installed) throw new CliError("k0s has not been installed as a service");
  return state.installed;
}

/** The images this node pulls: the version's table, then the override env/file, then k0s.yaml. */
function systemImages(installed: InstallRecord): SystemImages {
  let images = systemImagesFor(VERSION);
  const fromEnv = process.env.K0S_STANDIN_IMAGES;
  if (fromEnv !== undefined && fromEnv.trim() !== "") images = parseImageList(fromEnv, images);
  else if (existsSync(P.imagesOverride)) {
    images = parseImageList(readFileSync(P.imagesOverride, "utf8"), images);
  }
  if (installed.role === "controller" && installed.configFile) {
    const config = loadClusterConfig(installed.configFile);
    const spec = isTable(config.spec) ? config.spec : {};
    const specImages = isTable(spec.images) ? spec.images : {};
    const custom = (key: string, image: string): string => {
      const entry = specImages[key];
      if (!isTable(entry)) return image;
      const [name, tag] = splitTag(image);
      const newName = typeof entry.image === "string" && entry.image ? entry.image : name;
      const newTag = typeof entry.version === "string" && entry.version ? entry.version : tag;
      return `${newName}:${newTag}`;
    };
    const componentKey: Record<string, string> = {
      coredns: "coredns",
      "metrics-server": "metricsserver",
    };
    images = {
      sandbox: custom("pause", images.sandbox),
      pods: images.pods.map((pod) => {
        const key = componentKey[pod.app];
        return key ? { ...pod, image: custom(key, pod.image) } : pod;
      }),
    };
    const repository = specImages.repository;
    if (typeof repository === "string" && repository !== "") {
      images = {
        sandbox: overrideRepository(repository, images.sandbox),
        pods: images.pods.map((pod) => ({
          ...pod,
          image: overrideRepository(repository, pod.image),
        })),
      };
    }
  }
  return images;
}

function splitTag(image: string): [string, string] {
  const colon = image.lastIndexOf(":");
  if (colon <= image.lastIndexOf("/")) return [image, "latest"];
  return [image.slice(0, colon), image.slice(colon + 1)];
}

/** k0s ≥ 1.36's pre-flight (RequireContainerdV2ConfigSnippets) on the drop-in directory. */
function containerd2Preflight() {
  const problems: string[] = [];
  for (const dropIn of readDropIns(P.dropIns, P.dropIns)) {
    let doc: Table;
    try {
      doc = parseToml(dropIn.content) as Table;
    } catch (error) {
      problems.push(`${dropIn.path}: ${(error as Error).message.split("\n")[0]}`);
      continue;
    }
    if (doc.version !== undefined && doc.version !== 3) {
      problems.push(
        `${dropIn.path}: unsupported config version ${String(doc.version)} (omit it or use version = 3)`,
      );
    }
    if (isTable(doc.plugins) && CRI_PLUGIN in doc.plugins) {
      problems.push(`${dropIn.path}: references the legacy plugin "${CRI_PLUGIN}"`);
    }
  }
  if (problems.length > 0) {
    throw new CliError(
      `pre-flight checks failed: containerd configuration snippets in ${P.dropIns} are not containerd 2 compatible:\n  ${problems.join("\n  ")}`,
    );
  }
}

/**
 * The supervisor: stands for the long-running k0s process (status reports its pid). With the
 * worker role it runs containerd as its child; SIGTERM stops containerd, then itself.
 */
const SUPERVISOR = `mode=$1; pidfile=$2; shift 2
child=
finish() {
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; fi
  rm -f "$pidfile"
  echo "k0s-standin: stopped at $(date -u +%FT%TZ)"
  exit 0
}
trap finish TERM INT HUP
if [ "$mode" = worker ]; then
  "$@" </dev/null &
  child=$!
  echo "$child" > "$pidfile"
  wait "$child"
  code=$?
  child=
  rm -f "$pidfile"
  echo "k0s-standin: containerd exited with status $code"
fi
while :; do
  sleep 3600 &
  child=$!
  wait "$child"
done`;

function startSupervisor(mode: "worker" | "controller", containerdArgs: string[]): number {
  mkdirSync(dirname(P.containerdLog), { recursive: true });
  const fd = openSync(P.containerdLog, "a");
  try {
    appendFileSync(
      fd,
      `k0s-standin: k0s ${VERSION.text} start (${mode}) at ${new Date().toISOString()}\n`,
    );
    // a script file (not sh -c) so that ps shows what it is
    mkdirSync(P.run, { recursive: true });
    writeFileSync(
      SUPERVISOR_SCRIPT,
      `# ${SUPERVISOR_MARKER}: the k0s stand-in's "k0s" process\n${SUPERVISOR}\n`,
    );
    const child = spawn(
      "/bin/sh",
      [SUPERVISOR_SCRIPT, mode, P.containerdPidFile, ...containerdArgs],
      {
        detached: true,
        stdio: ["ignore", fd, fd],
      },
    );
    child.unref();
    if (child.pid === undefined) throw new CliError("failed to start the k0s stand-in supervisor");
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

function stopProcess(pid: number, marker: string | undefined): Promise<void> {
  return new Promise((resolve) => {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      resolve();
      return;
    }
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    const poll = () => {
      if (!alive(pid, marker)) resolve();
      else if (Date.now() > deadline) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
        resolve();
      } else setTimeout(poll, 20);
    };
    poll();
  });
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Merge the drop-ins the k0s ≤ 1.35 way, start containerd under the supervisor, wait for CRI. */
async function startContainerd(
  installed: InstallRecord,
  sandboxImage: string,
  /** the supervisor runs: the service counts as started from here */
  onStarted: (supervisor: number) => Promise<void>,
): Promise<{ supervisor: number; record: ContainerdRecord }> {
  for (const dir of [P.run, P.containerdState, P.dropIns, join(installed.dataDir, "containerd")]) {
    mkdirSync(dir, { recursive: true });
  }
  rmSync(P.containerdPidFile, { force: true });
  let config: string;
  let criConfig: string | undefined;
  let mergedDropIns: string[] = [];
  let imports: string[] = [];
  const current = existsSync(P.containerdConfig)
    ? readFileSync(P.containerdConfig, "utf8")
    : undefined;
  if (current !== undefined && current.split("\n")[0]?.trim() !== K0S_MANAGED_MARKER) {
    // Not k0s-managed: k0s uses it as is and ignores the drop-ins.
    config = current;
  } else {
    let merged: ReturnType<typeof mergeK0sDropIns>;
    try {
      merged = mergeK0sDropIns({
        defaultCri: await containerdDefaultCri(CONTAINERD),
        sandboxImage,
        dropIns: readDropIns(P.dropIns, P.dropIns),
        criConfigPath: P.criConfig,
      });
    } catch (error) {
      throw new CliError(`failed to start containerd: ${(error as Error).message}`);
    }
    writeFileSync(P.criConfig, merged.cri);
    writeFileSync(P.containerdConfig, merged.main);
    config = merged.main;
    criConfig = merged.cri;
    mergedDropIns = merged.mergedDropIns;
    imports = merged.imports;
  }
  // k0s ≤ 1.35's containerd flags; debug logging so the test sees where each pull went.
  const args = [
    CONTAINERD,
    `--root=${join(installed.dataDir, "containerd")}`,
    `--state=${P.containerdState}`,
    `--address=${P.containerdSocket}`,
    "--log-level=debug",
    `--config=${P.containerdConfig}`,
  ];
  const logStart = existsSync(P.containerdLog) ? readFileSync(P.containerdLog).length : 0;
  const supervisor = startSupervisor("worker", args);
  await onStarted(supervisor);
  const spawned = Date.now();
  const newLog = () => {
    try {
      return readFileSync(P.containerdLog).subarray(logStart).toString("utf8");
    } catch {
      return "";
    }
  };
  const tail = () => newLog().trimEnd().split("\n").slice(-15).join("\n");
  const deadline = spawned + CRI_READY_TIMEOUT_MS;
  for (;;) {
    const pid = readPid(P.containerdPidFile);
    const failed = /msg="failed to load plugin io\.containerd\.grpc\.v1\.cri".*/.exec(newLog());
    const exited = /k0s-standin: containerd exited with status \d+/.exec(newLog());
    if (failed || exited || !alive(supervisor)) {
      await stopProcess(supervisor, SUPERVISOR_MARKER);
      throw new CliError(
        `failed to start containerd: ${(failed ?? exited)?.[0] ?? "the supervisor exited"}\n--- ${P.containerdLog} ---\n${tail()}`,
      );
    }
    if (pid !== undefined && (await criVersion(P.containerdSocket, 1_000)).ok) {
      return {
        supervisor,
        record: {
          pid,
          socket: P.containerdSocket,
          config,
          criConfig,
          mergedDropIns,
          imports,
          sandboxImage,
          readyMs: Date.now() - spawned,
        },
      };
    }
    if (Date.now() > deadline) {
      await stopProcess(supervisor, SUPERVISOR_MARKER);
      throw new CliError(
        `failed to start containerd: CRI did not answer on ${P.containerdSocket} within ${CRI_READY_TIMEOUT_MS} ms\n${tail()}`,
      );
    }
    await sleep(25);
  }
}

async function start(state: StandinState) {
  requireRoot();
  const installed = requireInstalled(state);
  if (liveRun(state)) throw new CliError("already running");
  if (installed.join) {
    // the worker (or joining controller) checks its token before it contacts the controller
    if (installed.join.expires && Date.parse(installed.join.expires) < Date.now()) {
      throw new CliError(
        `failed to join: the join token from ${installed.tokenFile} expired at ${installed.join.expires}`,
      );
    }
  }
  const images = systemImages(installed);
  const run: RunRecord = {
    since: new Date().toISOString(),
    pid: 0,
    containerd: undefined,
    pulls: [],
    pods: images.pods.map(({ app, namespace, image }) => ({ app, namespace, image })),
  };
  // k0s's service counts as started (a second start is refused) before k0s is up (status answers)
  const started = async (supervisor: number) => {
    state.running = { ...run, pid: supervisor, starting: true };
    writeState(state);
    while (existsSync(P.holdStart)) await sleep(50);
  };
  if (!installed.enableWorker) {
    run.pid = startSupervisor("controller", []);
    await started(run.pid);
    state.running = run;
    writeState(state);
    return;
  }
  if (usesContainerd2(VERSION)) {
    if (!installed.args.includes("--ignore-pre-flight-checks")) containerd2Preflight();
    throw new CliError(
      `the k0s stand-in cannot run k0s ${VERSION.text}: it ships containerd 2.x, and the lab has only Debian's containerd 1.6 (the pre-flight checks passed)`,
    );
  }
  const { supervisor, record } = await startContainerd(installed, images.sandbox, started);
  run.pid = supervisor;
  run.containerd = record;
  state.running = run;
  writeState(state);

  const timeoutMs = Number(process.env.K0S_STANDIN_PULL_TIMEOUT_MS ?? 20_000);
  const wanted: Omit<ImagePull, "ok" | "durationMs">[] = [
    { image: images.sandbox, kind: "sandbox" },
    ...images.pods.map((pod) => ({
      image: pod.image,
      kind: "pod" as const,
      app: pod.app,
      namespace: pod.namespace,
    })),
  ];
  for (const want of wanted) {
    const began = Date.now();
    const result = await pullImage(P.containerdSocket, want.image, timeoutMs);
    const pull: ImagePull = { ...want, ok: result.ok, durationMs: Date.now() - began };
    if (result.ok) pull.imageRef = result.imageRef;
    else {
      pull.grpcStatus = result.grpcStatus;
      pull.error = result.grpcMessage;
    }
    run.pulls.push(pull);
    writeState(state);
  }
}

async function stop(state: StandinState) {
  requireRoot();
  requireInstalled(state);
  const run = liveRun(state);
  if (!run) throw new CliError("already stopped");
  await stopProcess(run.pid, SUPERVISOR_MARKER);
  // the supervisor stops containerd; make sure it went
  const containerd = run.containerd?.pid;
  if (containerd && alive(containerd, "containerd")) await stopProcess(containerd, "containerd");
  state.lastRun = run;
  state.running = undefined;
  writeState(state);
}

function status(args: string[], io: Io, state: StandinState) {
  const { flags } = parseFlags(args, [{ name: "out", short: "o", type: "string" }]);
  // while it starts, k0s's status socket does not answer yet
  const run = upRun(state);
  const installed = state.installed;
  if (!run || !installed) throw new CliError("k0s is not running");
  requireRoot("k0s status must be run as root!");
  const fields = {
    Version: VERSION.text,
    Pid: run.pid,
    Role: installed.role,
    Workloads: installed.enableWorker,
    SingleNode: installed.single,
    SysInit: "linux-systemd",
    StubFile: installed.serviceFile,
  };
  const output = flagString(flags, "out") ?? "";
  if (output === "json") {
    io.out.push(`${JSON.stringify(fields, null, 3)}\n`);
    return;
  }
  if (output === "yaml") {
    io.out.push(
      `${Object.entries(fields)
        .map(([k, v]) => `${k.toLowerCase()}: ${v}`)
        .join("\n")}\n`,
    );
    return;
  }
  io.out.push(
    [
      `Version: ${fields.Version}`,
      `Process ID: ${fields.Pid}`,
      `Role: ${fields.Role}`,
      `Workloads: ${fields.Workloads}`,
      `SingleNode: ${fields.SingleNode}`,
      "Kube-api probing successful: true",
      "Kube-api probing last error: ",
      "",
    ].join("\n"),
  );
}

/** Unmount anything below `dir` (deepest first), as k0s's cleanup does before removing it. */
function unmountBelow(dir: string) {
  let mounts: string[] = [];
  try {
    mounts = readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .map((line) => line.split(" ")[1] ?? "")
      .filter((target) => target === dir || target.startsWith(`${dir}/`));
  } catch {
    return;
  }
  for (const target of mounts.sort((a, b) => b.length - a.length)) {
    spawnSync("umount", ["-l", target], { stdio: "ignore" });
  }
}

function reset(io: Io, state: StandinState) {
  requireRoot();
  if (liveRun(state)) throw new CliError("k0s seems to be running, please stop k0s before reset");
  const dataDir = state.installed?.dataDir ?? P.defaultDataDir;
  for (const file of [
    state.installed?.serviceFile,
    serviceFileFor("controller"),
    serviceFileFor("worker"),
  ]) {
    if (file) rmSync(file, { force: true });
  }
  for (const dir of [dataDir, P.run]) {
    unmountBelow(dir);
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(P.state, { force: true });
  io.err.push(
    logrus("info", "Uninstalling the k0s service"),
    logrus("info", `deleted k0s data dir ${dataDir} and run dir ${P.run} (kept ${P.etc})`),
    logrus("info", "k0s cleanup operations done."),
    logrus("warning", "To ensure a full reset, a node reboot is recommended."),
  );
}

function kubectl(args: string[], io: Io, state: StandinState) {
  const [verb, resource, ...rest] = args;
  if (verb !== "get" || !["pods", "pod", "po"].includes(resource ?? "")) {
    throw new CliError(
      `the k0s stand-in's kubectl supports only "get pods" (got "${args.join(" ")}")`,
      1,
    );
  }
  const { flags } = parseFlags(rest, [
    { name: "all-namespaces", short: "A", type: "bool" },
    { name: "namespace", short: "n", type: "string" },
    { name: "output", short: "o", type: "string" },
    { name: "no-headers", type: "bool" },
    { name: "kubeconfig", type: "string" },
    { name: "wide", type: "bool" },
  ]);
  const installed = state.installed;
  const dataDir = installed?.dataDir ?? P.defaultDataDir;
  if (installed?.role !== "controller") {
    throw new CliError(`error: open ${dataDir}/pki/admin.conf: no such file or directory`, 1, true);
  }
  if (process.geteuid?.() !== 0) {
    throw new CliError(`error: open ${dataDir}/pki/admin.conf: permission denied`, 1, true);
  }
  const run = upRun(state);
  if (!run) {
    throw new CliError(
      "The connection to the server localhost:6443 was refused - did you specify the right host or port?",
      1,
      true,
    );
  }
  const output = flagString(flags, "output") ?? "";
  if (!["", "wide", "json", "name"].includes(output)) {
    throw new CliError(
      `error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,wide`,
      1,
      true,
    );
  }
  const options: GetPodsOptions = {
    allNamespaces: flagBool(flags, "all-namespaces"),
    namespace: flagString(flags, "namespace") ?? "default",
    output: output as GetPodsOptions["output"],
    noHeaders: flagBool(flags, "no-headers"),
    now: Date.now(),
  };
  const { stdout, stderr } = formatPods(podViews(run, hostname(), installed.enableWorker), options);
  if (stdout) io.out.push(stdout);
  if (stderr) io.err.push(stderr);
}

/**
 * `k0s kubeconfig admin`, as k0s does it: <data-dir>/pki/admin.conf (written when a controller
 * first starts; here, on first use while it runs), its https://localhost:6443 replaced by the
 * API's address (spec.api.externalAddress, spec.api.address, else the node's interface address).
 * Its certificates and key are random bytes: a secret a test can look for.
 */
function kubeconfigAdmin(args: string[], io: Io, state: StandinState) {
  const [sub, ...rest] = args;
  if (sub !== "admin")
    throw new CliError(
      sub === undefined
        ? "k0s kubeconfig: give a subcommand (admin)"
        : `unknown command "${sub}" for "k0s kubeconfig"`,
    );
  const { flags, rest: positional } = parseFlags(rest, [
    { name: "config", short: "c", type: "string" },
  ]);
  if (positional.length > 0)
    throw new CliError(`unknown command "${positional[0]}" for "k0s kubeconfig admin"`);
  requireRoot();
  const installed = state.installed;
  const dataDir = flagString(flags, "data-dir") ?? installed?.dataDir ?? P.defaultDataDir;
  const path = `${dataDir}/pki/admin.conf`;
  const ownDataDir = dataDir === (installed?.dataDir ?? P.defaultDataDir);
  if (!existsSync(path) && ownDataDir && installed?.role === "controller" && upRun(state)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, adminConf(), { mode: 0o600 });
  }
  if (!existsSync(path) || !installed)
    throw new CliError(
      `admin config "${path}" not found, check if the control plane is initialized on this node`,
    );
  const url = `https://${controllerAddress(installed)}:6443`;
  io.out.push(readFileSync(path, "utf8").replaceAll("https://localhost:6443", url));
}

function adminConf(): string {
  const data = (size: number) => randomBytes(size).toString("base64");
  return [
    "apiVersion: v1",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${data(96)}`,
    "    server: https://localhost:6443",
    "  name: local",
    "contexts:",
    "- context:",
    "    cluster: local",
    "    namespace: default",
    "    user: user",
    "  name: Default",
    "current-context: Default",
    "kind: Config",
    "preferences: {}",
    "users:",
    "- name: user",
    "  user:",
    `    client-certificate-data: ${data(96)}`,
    `    client-key-data: ${data(64)}`,
    "",
  ].join("\n");
}

function usage(io: Io) {
  io.out.push(
    [
      `k0s stand-in ${VERSION.text} (tests/lab/k0s-standin): k0s's CLI surface for lab hosts`,
      "",
      "Usage:",
      "  k0s [command]",
      "",
      "Available Commands:",
      "  install     install controller|worker",
      "  kubeconfig  Create a kubeconfig file for a specified user (admin)",
      "  kubectl     kubectl get pods",
      "  reset       Uninstall k0s. Must be run as root (or with sudo)",
      "  start       Start the k0s service configured on this host. Must be run as root (or with sudo)",
      "  status      Get k0s instance status information",
      "  stop        Stop the k0s service configured on this host. Must be run as root (or with sudo)",
      "  token       Manage join tokens (create)",
      "  version     Print the k0s version",
      "",
    ].join("\n"),
  );
}

async function dispatch(argv: string[], io: Io): Promise<void> {
  const [command, ...rest] = argv;
  const state = readState();
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      usage(io);
      return;
    case "version":
      parseFlags(rest, [
        { name: "all", short: "a", type: "bool" },
        { name: "json", type: "bool" },
      ]);
      version(io);
      return;
    case "install":
      await install(rest, io, state);
      return;
    case "token":
      tokenCreate(rest, io, state);
      return;
    case "start":
      parseFlags(rest, []);
      await start(state);
      return;
    case "stop":
      parseFlags(rest, []);
      await stop(state);
      return;
    case "status":
      status(rest, io, state);
      return;
    case "reset":
      parseFlags(rest, [
        { name: "config", short: "c", type: "string" },
        { name: "cri-socket", type: "string" },
      ]);
      reset(io, state);
      return;
    case "kubectl":
    case "kc":
      kubectl(rest, io, state);
      return;
    case "kubeconfig":
      kubeconfigAdmin(rest, io, state);
      return;
    default:
      throw new CliError(`unknown command "${command}" for "k0s"\nRun 'k0s --help' for usage.`);
  }
}

// --- recording ---

const RECORDED_ENV = /^(USER|LOGNAME|HOME|SUDO_\w+|SSH_CONNECTION|PATH|KUBECONFIG|K0S_\w*)$/;

function tokenFileOf(argv: string[]): CallRecord["tokenFile"] {
  const at = argv.findIndex((arg) => arg === "--token-file" || arg.startsWith("--token-file="));
  if (at < 0) return undefined;
  const arg = argv[at] ?? "";
  const path = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[at + 1];
  if (path === undefined) return undefined;
  try {
    const content = readFileSync(path, "utf8");
    return { path, content, sha256: createHash("sha256").update(content).digest("hex") };
  } catch (error) {
    return { path, error: errnoMessage(error, path) };
  }
}

function record(call: CallRecord) {
  try {
    if (!existsSync(P.dir)) {
      mkdirSync(P.dir, { recursive: true, mode: 0o755 });
    }
    const created = !existsSync(P.calls);
    appendFileSync(P.calls, `${JSON.stringify(call)}\n`);
    // every user's calls are recorded (a non-root call is exactly what a test wants to see)
    if (created) chmodSync(P.calls, 0o666);
  } catch (error) {
    process.stderr.write(
      `k0s stand-in: could not record this call in ${P.calls}: ${(error as Error).message}\n`,
    );
  }
}

/** The root of a lab test host is the lab's overlay ("k0lab on / type overlay"). */
function onLabHost(): boolean {
  try {
    return readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .some((line) => line.startsWith("k0lab / overlay "));
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (!onLabHost() && process.env.K0S_STANDIN_OUTSIDE_LAB !== "1") {
    // Never touch a real machine's /var/lib/k0s, /run/k0s or /etc/systemd.
    if (argv[0] === "version") {
      process.stdout.write(`${VERSION.text}\n`);
      return 0;
    }
    process.stderr.write(
      "k0s stand-in: refusing to run outside a k0lab test host (its root is not the lab's overlay); K0S_STANDIN_OUTSIDE_LAB=1 overrides\n",
    );
    return 3;
  }
  const began = Date.now();
  const call: CallRecord = {
    time: new Date(began).toISOString(),
    argv,
    cwd: process.cwd(),
    uid: process.getuid?.() ?? -1,
    euid: process.geteuid?.() ?? -1,
    gid: process.getgid?.() ?? -1,
    pid: process.pid,
    ppid: process.ppid,
    version: VERSION.text,
    env: Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => RECORDED_ENV.test(entry[0]) && entry[1] !== undefined,
      ),
    ),
    tokenFile: tokenFileOf(argv),
    exitCode: 0,
    durationMs: 0,
  };
  const io: Io = { out: [], err: [] };
  let exitCode = 0;
  try {
    await dispatch(argv, io);
  } catch (error) {
    exitCode = error instanceof CliError ? error.exitCode : 1;
    const message = error instanceof Error ? error.message : String(error);
    const raw = error instanceof CliError && error.raw;
    io.err.push(raw ? `${message}\n` : `Error: ${message}\n`);
    call.error = message;
  }
  call.exitCode = exitCode;
  call.durationMs = Date.now() - began;
  record(call);
  process.stdout.write(io.out.join(""));
  process.stderr.write(io.err.join(""));
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`k0s stand-in crashed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
