import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClientKey } from "./ssh-keys";

/**
 * The system OpenSSH client (plus sshpass for passwords), for the lab's self-tests and the
 * "plain ssh" reference figures only: the product itself speaks SSH through ssh2.
 */

export interface SshTarget {
  address: string;
  port?: number;
  /** reach it through this jump host (root, lab ed25519 key) via ProxyCommand `ssh -W` */
  bastion?: SshTarget | undefined;
}

export interface SshClientFiles {
  /** SSH_ASKPASS program that prints $K0LAB_ASKPASS (the key passphrase) */
  askpass: string;
  /** ssh_config for `ssh -F` (also passed on to `-J` jumps): no host key checks, lab ed25519 key */
  config: string;
  /** the key jumps use (root on the bastion) */
  jumpKey: ClientKey;
}

export function writeSshClientFiles(dir: string, defaultKey: ClientKey): SshClientFiles {
  const askpass = join(dir, "askpass.sh");
  writeFileSync(askpass, "#!/bin/sh\nprintf '%s\\n' \"$K0LAB_ASKPASS\"\n", { mode: 0o700 });
  const config = join(dir, "ssh_config");
  writeFileSync(
    config,
    [
      "# k0lab: the test hosts' keys change with every run",
      "Host *",
      "  User root",
      "  StrictHostKeyChecking no",
      "  UserKnownHostsFile /dev/null",
      "  GlobalKnownHostsFile /dev/null",
      "  LogLevel ERROR",
      "  BatchMode yes",
      "  IdentityAgent none",
      "  IdentitiesOnly yes",
      `  IdentityFile ${defaultKey.path}`,
      "  ConnectTimeout 5",
      "",
    ].join("\n"),
  );
  return { askpass, config, jumpKey: defaultKey };
}

export interface SshExecOptions {
  /** default root */
  user?: string;
  /** key login (default when no password is given); a passphrase key is unlocked through SSH_ASKPASS */
  key?: ClientKey;
  /** password login through sshpass (public key auth is then switched off) */
  password?: string;
  /** written to the remote command's stdin (e.g. the password for `sudo -S -p ''`) */
  input?: string;
  /** ssh ConnectTimeout in seconds (TCP connect and banner exchange); default 5 */
  connectTimeoutSec?: number;
  /** kill ssh after this long (then `timedOut`); default 30 s */
  timeoutMs?: number;
  /** jump host; default the target's own bastion; false = connect directly */
  jump?: SshTarget | false;
  /** extra ssh arguments; they come first, so their -o options win over the defaults */
  args?: readonly string[];
}

export interface SshResult {
  /** exit status: the remote command's, or 255 for ssh errors (sshpass: 5 = password rejected) */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

const COMMON = [
  "-F",
  "/dev/null",
  "-o",
  "StrictHostKeyChecking=no",
  "-o",
  "UserKnownHostsFile=/dev/null",
  "-o",
  "GlobalKnownHostsFile=/dev/null",
  "-o",
  "LogLevel=ERROR",
  "-o",
  "IdentityAgent=none",
  "-o",
  "IdentitiesOnly=yes",
];

/** Run `command` on the target with the system ssh; never throws for a failed login or command. */
export function sshExec(
  target: SshTarget,
  command: string,
  files: SshClientFiles,
  options: SshExecOptions = {},
): Promise<SshResult> {
  const user = options.user ?? "root";
  const connectTimeout = String(options.connectTimeoutSec ?? 5);
  // ssh keeps the first value it gets for an option, so the caller's own arguments go first.
  const args = [...(options.args ?? []), ...COMMON, "-o", `ConnectTimeout=${connectTimeout}`];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  let cmd = "ssh";
  if (options.password !== undefined) {
    cmd = "sshpass";
    args.unshift("-e", "ssh");
    env.SSHPASS = options.password;
    args.push(
      "-o",
      "PubkeyAuthentication=no",
      "-o",
      "PreferredAuthentications=password,keyboard-interactive",
      "-o",
      "NumberOfPasswordPrompts=1",
    );
  } else {
    const key = options.key ?? files.jumpKey;
    args.push("-i", key.path, "-o", "PreferredAuthentications=publickey");
    if (key.passphrase === undefined) {
      args.push("-o", "BatchMode=yes");
    } else {
      // ssh asks the askpass program for the key's passphrase (no tty needed)
      env.SSH_ASKPASS = files.askpass;
      env.SSH_ASKPASS_REQUIRE = "force";
      env.K0LAB_ASKPASS = key.passphrase;
      args.push("-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no");
    }
  }
  const jump = options.jump === undefined ? target.bastion : options.jump || undefined;
  if (jump) {
    const proxy = [
      "ssh",
      ...COMMON,
      "-o",
      `ConnectTimeout=${connectTimeout}`,
      "-o",
      "BatchMode=yes",
      "-i",
      files.jumpKey.path,
      "-p",
      String(jump.port ?? 22),
      "-W",
      "%h:%p",
      `root@${jump.address}`,
    ];
    args.push("-o", `ProxyCommand=${proxy.join(" ")}`);
  }
  args.push("-p", String(target.port ?? 22), `${user}@${target.address}`);
  args.push(command);

  const started = Date.now();
  return new Promise((resolve) => {
    // own process group, so a timeout kills sshpass, ssh and a ProxyCommand ssh together
    const child = spawn(cmd, args, { env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => undefined); // ssh may exit before reading its input
    child.stdin.end(options.input ?? "");
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs ?? 30_000);
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8") + (error ? `\n${error.message}` : ""),
        timedOut,
        durationMs: Date.now() - started,
      });
    };
    child.on("error", (error) => finish(null, null, error));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

function killGroup(pid: number | undefined) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone
  }
}
