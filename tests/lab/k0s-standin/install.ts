import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { HostRef, SshHost, SshLab } from "../ssh-hosts";
import { parseStandinVersion } from "./images";
import { type CallRecord, STANDIN_PATHS, type StandinState } from "./state";

/**
 * Test-side helpers for the k0s stand-in: build it (esbuild, once per process) into one
 * self-contained executable file, put it on lab hosts, read what it recorded.
 */

export interface K0sStandinOptions {
  /** the k0s version it claims to be, e.g. "1.32.8" or "v1.32.8+k0s.0" (decides the images) */
  version: string;
}

let bundle: Promise<string> | undefined;

/** The stand-in program bundled into one CommonJS file (no shebang, no version). Cached. */
export function k0sStandinBundle(): Promise<string> {
  bundle ??= (async () => {
    // esbuild comes with tsx (not a direct dependency): load it lazily
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: [join(__dirname, "cli.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node18",
      write: false,
      logLevel: "silent",
      legalComments: "none",
    });
    const file = result.outputFiles[0];
    if (!file) throw new Error("esbuild produced no output for the k0s stand-in");
    return file.text;
  })();
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}

/**
 * The stand-in as ONE executable file (`#!/usr/bin/node`, the version baked in, then the
 * bundle): what `installK0sStandin` writes to /usr/local/bin/k0s, and what a test hands the
 * console as the "k0s binary" to upload. Needs only /usr/bin/node on the host.
 */
export async function k0sStandinExecutable(options: K0sStandinOptions): Promise<string> {
  const version = parseStandinVersion(options.version).text;
  return [
    "#!/usr/bin/node",
    `// k0s stand-in ${version}: tests/lab/k0s-standin (bundled; do not edit)`,
    `globalThis.K0S_STANDIN_VERSION = ${JSON.stringify(version)};`,
    await k0sStandinBundle(),
  ].join("\n");
}

export interface InstalledStandin {
  host: SshHost;
  /** v1.32.8+k0s.0 */
  version: string;
  path: string;
}

export interface InstallStandinOptions extends K0sStandinOptions {
  /** where to put it; default /usr/local/bin/k0s */
  path?: string;
  /** write /etc/k0s/standin-images (see parseImageList) to replace the version's pod images */
  images?: readonly string[];
  /**
   * false: only prepare the host (call log, images override) and leave /usr/local/bin/k0s to
   * the console, which uploads `k0sStandinExecutable()` as its "k0s binary"; default true
   */
  writeBinary?: boolean;
}

/**
 * Write the stand-in onto a lab host over ssh (as root: temp file + rename, mode 0755) and
 * prepare its call log (world-writable, so non-root calls are recorded too).
 */
export async function installK0sStandin(
  lab: SshLab,
  host: HostRef,
  options: InstallStandinOptions,
): Promise<InstalledStandin> {
  const writeBinary = options.writeBinary ?? true;
  const executable = writeBinary ? await k0sStandinExecutable(options) : "";
  const path = options.path ?? STANDIN_PATHS.binary;
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  const script = [
    "set -eu",
    "umask 022",
    `mkdir -p ${STANDIN_PATHS.dir}`,
    `touch ${STANDIN_PATHS.calls}`,
    `chmod 0666 ${STANDIN_PATHS.calls}`,
    ...(writeBinary
      ? [
          `mkdir -p ${dir}`,
          `tmp=${dir}/.k0s-standin.$$`,
          'cat > "$tmp"',
          'chmod 0755 "$tmp"',
          `mv -f "$tmp" ${path}`,
        ]
      : []),
  ].join("\n");
  const result = await lab.sshExec(host, script, { input: executable });
  if (result.code !== 0) {
    throw new Error(
      `installing the k0s stand-in on ${nameOf(host)} failed (${result.code}): ${result.stderr}`,
    );
  }
  if (options.images) await setStandinImages(lab, host, options.images);
  return {
    host: lab.host(nameOf(host)),
    version: parseStandinVersion(options.version).text,
    path,
  };
}

/** Write (or, with undefined, remove) /etc/k0s/standin-images on a host. */
export async function setStandinImages(
  lab: SshLab,
  host: HostRef,
  images: readonly string[] | undefined,
): Promise<void> {
  const file = STANDIN_PATHS.imagesOverride;
  const command =
    images === undefined
      ? `rm -f ${file}`
      : `mkdir -p ${STANDIN_PATHS.etc} && cat > ${file}.tmp && mv -f ${file}.tmp ${file}`;
  const result = await lab.sshExec(host, command, {
    input: images ? `${images.join("\n")}\n` : "",
  });
  if (result.code !== 0) throw new Error(`writing ${file} on ${nameOf(host)}: ${result.stderr}`);
}

/** Every call the stand-in recorded on a host, in order (read from its upper dir). */
export function readStandinCalls(host: SshHost): CallRecord[] {
  const text = host.readFile(STANDIN_PATHS.calls) ?? "";
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CallRecord);
}

/** The stand-in's state on a host, or undefined when it has none (never installed, or reset). */
export function readStandinState(host: SshHost): StandinState | undefined {
  const text = host.readFile(STANDIN_PATHS.state);
  return text === undefined ? undefined : (JSON.parse(text) as StandinState);
}

/** containerd's log on the host (all starts, appended). */
export function readStandinContainerdLog(host: SshHost): string {
  return host.readFile(STANDIN_PATHS.containerdLog) ?? "";
}

export interface HostProcess {
  /** pid as this (root-namespace) process sees it */
  pid: number;
  comm: string;
  cmdline: string;
}

/** Every process running inside a host (its pid namespace), PID 1 (sshd) included. */
export function hostProcesses(host: SshHost): HostProcess[] {
  const pid1 = host.pid1();
  if (pid1 === undefined) return [];
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${pid1}/ns/pid`);
  } catch {
    return [];
  }
  const processes: HostProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/pid`) !== ns) continue;
      processes.push({
        pid: Number(entry),
        comm: readFileSync(`/proc/${entry}/comm`, "utf8").trim(),
        cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim(),
      });
    } catch {
      // gone meanwhile
    }
  }
  return processes;
}

/** Whether a (root-namespace) pid still exists. */
export function pidExists(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

function nameOf(host: HostRef): string {
  return typeof host === "string" ? host : host.name;
}
