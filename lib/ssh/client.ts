/**
 * The one module that talks SSH (ssh2). Connects with a pinned host key (optionally through a
 * bastion), runs commands with timeouts, opens TCP channels from the node, and turns every
 * failure into an SshError a person can act on.
 */
import { type Duplex, Readable } from "node:stream";
import { type AnyAuthMethod, Client, type ClientChannel, type ConnectConfig, utils } from "ssh2";
import { consoleEnv } from "@/lib/env";
import { SshError } from "./errors";
import { hostEndpoint } from "./host-identity";
import {
  describeHostKey,
  type HostKeyPolicy,
  judgeHostKey,
  type PresentedHostKey,
} from "./host-key";
import { KeyedSemaphore, type Release } from "./host-slots";
import { sshTarget } from "./target";

export type SshAuth =
  | { kind: "key"; privateKey: string; passphrase?: string }
  | { kind: "password"; password: string }
  | { kind: "agent" };

export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  hostKey: HostKeyPolicy;
}

export interface SshConnectOptions {
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** jump host: the TCP connection to the node is opened from it */
  bastion?: SshEndpoint;
}

/** Bytes for a command's stdin: a stream is piped, with SSH flow control (a k0s binary is never held whole). */
export type StdinData = string | Buffer | Readable;

/** The command's stdin, written as the caller decides (e.g. only after the command asked for it). */
export interface ExecInput {
  write(data: string | Buffer): void;
  end(data?: StdinData): void;
}

export interface ExecOptions {
  /**
   * bytes for the command's stdin (a Buffer for binaries), or a function given the open stdin to
   * write in steps: it is called once the channel is open, before any output arrives
   */
  stdin?: StdinData | ((input: ExecInput) => void);
  timeoutMs?: number;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /**
   * Asked after each chunk: a promise pauses reading the command's output until it settles
   * (SSH flow control then holds the command back), so a consumer that falls behind is not flooded.
   */
  throttle?: () => Promise<void> | undefined;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
  execTimeoutMs: 60_000,
};

export class SshSession {
  private constructor(
    private readonly client: Client,
    readonly target: string,
    readonly hostKey: PresentedHostKey,
    private readonly bastion: SshSession | null,
  ) {}

  /**
   * Connects once the host has a free slot (see hostSlots): the wait is not part of the connect
   * timeout. The slot is held until the connection is gone, however it ends.
   */
  static async open(endpoint: SshEndpoint, options: SshConnectOptions = {}): Promise<SshSession> {
    const release = await hostSlots().acquire(slotKey(endpoint, options.bastion));
    try {
      const session = await SshSession.connect(endpoint, options);
      session.client.once("close", release);
      session.releaseSlot = release;
      return session;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** How many connections to this endpoint are open, and how many wait for a slot. */
  static slotCounts(endpoint: Pick<SshEndpoint, "host" | "port">, bastion?: SshEndpoint) {
    return hostSlots().counts(slotKey(endpoint, bastion));
  }

  private static async connect(
    endpoint: SshEndpoint,
    options: SshConnectOptions,
  ): Promise<SshSession> {
    // the hop through a bastion takes no slot of the bastion's: a bastion fronts many nodes, and
    // a run keeps a connection to each of its nodes to the end, so capping it could stall the run
    const bastion = options.bastion
      ? await SshSession.connect(options.bastion, { ...options, bastion: undefined })
      : null;
    try {
      const sock = bastion ? await bastion.forwardOut(endpoint.host, endpoint.port) : undefined;
      const { client, hostKey } = await connectClient(endpoint, options, sock);
      return new SshSession(client, targetOf(endpoint), hostKey, bastion);
    } catch (error) {
      bastion?.close();
      throw error;
    }
  }

  private releaseSlot: Release = () => {};

  /** Runs one command line; resolves with its exit code and output, whatever the code. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULTS.execTimeoutMs;
    return new Promise((resolve, reject) => {
      let channel: ClientChannel | undefined;
      // the clock starts before the channel opens: a frozen host may never answer the open
      const timer = setTimeout(() => {
        channel?.signal("KILL");
        channel?.close();
        const message = `the command did not finish within ${timeoutMs / 1000} s`;
        reject(new SshError("command-timeout", this.target, message, { timeoutMs }));
      }, timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(this.dropped(error));
      };
      try {
        this.client.exec(command, (error, opened) => {
          if (error) return fail(error);
          channel = opened;
          let inputError: Error | null = null;
          collectOutput(opened, options, (result) => {
            clearTimeout(timer);
            // the command ran on a cut input: whatever it says, it did not get what was sent
            if (inputError) reject(this.inputFailed(inputError));
            // no exit status at all: the connection went away under the command
            else if (result.code === null && result.signal === null)
              fail(new Error("no exit status"));
            else resolve(result);
          });
          const stdin = options.stdin;
          const input: ExecInput = {
            write: (data) => opened.write(data),
            end: (data) =>
              endStdin(opened, data, (error) => {
                inputError = error;
                opened.signal("KILL");
                opened.close();
              }),
          };
          if (typeof stdin === "function") stdin(input);
          else input.end(stdin);
        });
      } catch (error) {
        fail(error as Error); // ssh2 throws "Not connected" at once on a closed connection
      }
    });
  }

  /** A TCP connection opened by the node itself to host:port (SSH direct-tcpip). */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut("127.0.0.1", 0, host, port, (error, channel) => {
        if (!error) return resolve(channel);
        // SSH_OPEN_ADMINISTRATIVELY_PROHIBITED: sshd has TCP forwarding turned off
        const prohibited = (error as Error & { reason?: number }).reason === 1;
        const why = prohibited ? "TCP forwarding is disabled in its sshd" : error.message;
        const message = `the node could not open a connection to ${host}:${port}: ${why}`;
        reject(
          new SshError("refused", this.target, message, { forwardingDisabled: prohibited, why }),
        );
      });
    });
  }

  close(): void {
    this.client.end();
    this.bastion?.close();
    // the slot is freed when the connection has closed; a peer that never answers the close
    // (a frozen host) does not keep it longer than this
    setTimeout(this.releaseSlot, SLOT_RELEASE_GRACE_MS).unref();
  }

  private inputFailed(error: Error): SshError {
    const message = `the command's input could not be read on the console: ${error.message}`;
    return new SshError("command-failed", this.target, message);
  }

  private dropped(error: Error): SshError {
    return new SshError(
      "disconnected",
      this.target,
      `the SSH connection to ${this.target} dropped: ${error.message}`,
    );
  }
}

const SLOT_RELEASE_GRACE_MS = 2_000;

/**
 * SSH connections open at once per host, every run and check of the console together: a host's
 * sshd refuses connections past its MaxStartups, and each one is work on the node.
 */
const SLOTS_KEY = Symbol.for("k0rdent-console.ssh-host-slots");
function hostSlots(): KeyedSemaphore {
  // one per process, even when the bundler gives each route its own copy of this module
  const holder = globalThis as unknown as { [SLOTS_KEY]?: KeyedSemaphore };
  holder[SLOTS_KEY] ??= new KeyedSemaphore(() => consoleEnv().sshSessionsPerHost);
  return holder[SLOTS_KEY];
}

/** A node behind a bastion is known by the bastion's address and its own. */
function slotKey(endpoint: Pick<SshEndpoint, "host" | "port">, bastion?: SshEndpoint): string {
  return hostEndpoint(
    endpoint.host,
    endpoint.port,
    bastion && { address: bastion.host, port: bastion.port },
  );
}

function collectOutput(
  channel: ClientChannel,
  options: ExecOptions,
  done: (result: ExecResult) => void,
): void {
  const stdout = boundedText();
  const stderr = boundedText();
  let code: number | null = null;
  let signal: string | null = null;
  channel.setEncoding("utf8");
  channel.stderr.setEncoding("utf8");
  let paused = false;
  const throttle = () => {
    const wait = paused ? undefined : options.throttle?.();
    if (!wait) return;
    paused = true;
    channel.pause();
    channel.stderr.pause();
    void wait.then(() => {
      paused = false;
      channel.resume();
      channel.stderr.resume();
    });
  };
  channel.on("data", (chunk: string) => {
    stdout.push(chunk);
    options.onStdout?.(chunk);
    throttle();
  });
  channel.stderr.on("data", (chunk: string) => {
    stderr.push(chunk);
    options.onStderr?.(chunk);
    throttle();
  });
  channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
    code = exitCode;
    signal = exitSignal ?? null;
  });
  channel.on("close", () => {
    // a paused stream may still hold output (ssh2 closes the channel regardless): take it now
    for (let chunk = channel.read(); chunk !== null; chunk = channel.read()) {
      stdout.push(chunk);
      options.onStdout?.(chunk);
    }
    for (let chunk = channel.stderr.read(); chunk !== null; chunk = channel.stderr.read()) {
      stderr.push(chunk);
      options.onStderr?.(chunk);
    }
    done({ code, signal, stdout: stdout.text(), stderr: stderr.text() });
  });
}

/** Output kept for the result: past this, only the tail stays (streamed output is not lost). */
const MAX_KEPT_CHARS = 64 * 1024 * 1024;

/** Collected output that cannot grow without bound: `yes` on a node must not crash the console. */
function boundedText(): { push(chunk: string): void; text(): string } {
  const chunks: string[] = [];
  let size = 0;
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      while (size > MAX_KEPT_CHARS && chunks.length > 1) size -= chunks.shift()?.length ?? 0;
    },
    text: () => chunks.join(""),
  };
}

function targetOf(endpoint: SshEndpoint): string {
  return sshTarget(endpoint.username, endpoint.host, endpoint.port);
}

function connectClient(
  endpoint: SshEndpoint,
  options: SshConnectOptions,
  sock: Duplex | undefined,
): Promise<{ client: Client; hostKey: PresentedHostKey }> {
  const target = targetOf(endpoint);
  const auth = authConfig(endpoint, target);
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: PresentedHostKey | null = null;
    let hostKeyError: SshError | null = null;
    let methodsOffered: string[] | null = null;
    let settled = false;
    const fail = (error: SshError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username,
      sock,
      readyTimeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs,
      keepaliveCountMax: options.keepaliveCountMax ?? DEFAULTS.keepaliveCountMax,
      hostVerifier: (blob: Buffer) => {
        presented = describeHostKey(blob);
        hostKeyError = hostKeyRefusal(presented, endpoint.hostKey, target);
        return hostKeyError === null;
      },
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft === null) return next(auth);
        methodsOffered = methodsLeft; // our one method failed: remember what the server would take
        return next(false as never);
      },
    };
    client.on("ready", () => {
      settled = true;
      // small commands one after another: Nagle's delay costs ~45 ms per round trip otherwise
      if (!sock) client.setNoDelay(true);
      resolve({ client, hostKey: presented as unknown as PresentedHostKey });
    });
    client.on("error", (error: Error & { level?: string; code?: string }) => {
      if (hostKeyError) return fail(hostKeyError);
      fail(
        classifyConnectError(
          error,
          target,
          endpoint,
          methodsOffered,
          options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
        ),
      );
    });
    client.on("close", () =>
      fail(
        hostKeyError ??
          new SshError(
            "disconnected",
            target,
            `${target} closed the connection during the handshake`,
          ),
      ),
    );
    client.connect(config);
  });
}

function authConfig(endpoint: SshEndpoint, target: string): AnyAuthMethod {
  const { auth, username } = endpoint;
  if (auth.kind === "password") return { type: "password", username, password: auth.password };
  if (auth.kind === "agent") {
    const agent = process.env.SSH_AUTH_SOCK;
    if (!agent) {
      const message = "SSH agent authentication chosen, but the console has no SSH_AUTH_SOCK";
      throw new SshError("auth", target, message, { beforeConnect: true });
    }
    return { type: "agent", username, agent };
  }
  const parsed = utils.parseKey(auth.privateKey, auth.passphrase);
  if (parsed instanceof Error) throw keyError(parsed, auth.passphrase, target);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return { type: "publickey", username, key };
}

/** The stored key cannot be used: found before any connection is made. */
function keyError(error: Error, passphrase: string | undefined, target: string): SshError {
  const details = { beforeConnect: true };
  if (/encrypted/i.test(error.message) && !passphrase) {
    const message = "the private key is encrypted and no passphrase is stored for it";
    return new SshError("passphrase", target, message, details);
  }
  if (/passphrase|decrypt|bad decrypt|integrity/i.test(error.message)) {
    return new SshError("passphrase", target, "wrong passphrase for the private key", details);
  }
  return new SshError("auth", target, `the private key cannot be read: ${error.message}`, details);
}

function hostKeyRefusal(
  presented: PresentedHostKey,
  policy: HostKeyPolicy,
  target: string,
): SshError | null {
  const verdict = judgeHostKey(presented, policy);
  const details = { presented, pinned: policy.pinned, expected: policy.expected };
  switch (verdict) {
    case "accept":
      return null;
    case "unknown":
      return new SshError(
        "host-key-unknown",
        target,
        `${target} presents an unknown ${presented.type} host key ${presented.fingerprint}: check it and trust it to continue`,
        details,
      );
    case "changed":
      return new SshError(
        "host-key-changed",
        target,
        `host key changed for ${target}: pinned ${policy.pinned}, now presenting ${presented.type} ${presented.fingerprint}. Nothing was sent. Re-trust only if the host was reinstalled.`,
        details,
      );
    case "mismatch":
      return new SshError(
        "host-key-mismatch",
        target,
        `${target} presents ${presented.fingerprint}, not the expected ${policy.expected}. Nothing was sent.`,
        details,
      );
  }
}

function classifyConnectError(
  error: Error & { level?: string; code?: string },
  target: string,
  endpoint: SshEndpoint,
  methodsOffered: string[] | null,
  timeoutMs: number,
): SshError {
  if (error.level === "client-authentication") {
    const offered = methodsOffered?.length ? methodsOffered.join(", ") : "none";
    return new SshError(
      "auth",
      target,
      `${endpoint.username} could not log in with ${describeAuth(endpoint.auth)} (the server accepts: ${offered})`,
      { methodsOffered },
    );
  }
  if (error.code === "ECONNREFUSED")
    return new SshError(
      "refused",
      target,
      `connection refused by ${target}: is sshd running and listening on port ${endpoint.port}?`,
    );
  if (error.code === "EHOSTUNREACH" || error.code === "ENETUNREACH")
    return new SshError("unreachable", target, `no route to ${target} (${error.code})`);
  if (error.code === "ETIMEDOUT" || /timed out/i.test(error.message))
    return new SshError(
      "timeout",
      target,
      `no SSH answer from ${target} within ${timeoutMs / 1000} s`,
    );
  if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN")
    return new SshError("unreachable", target, `cannot resolve ${endpoint.host}`);
  return new SshError("disconnected", target, `SSH to ${target} failed: ${error.message}`);
}

function describeAuth(auth: SshAuth): string {
  if (auth.kind === "key") return "the stored private key";
  if (auth.kind === "password") return "the stored password";
  return "the SSH agent's keys";
}

/**
 * The key a host presents, read from the handshake only: with no key trusted the connection is
 * refused before authentication, so nothing (no credential, no command) is sent.
 */
export async function readHostKey(
  target: Pick<SshEndpoint, "host" | "port" | "username">,
  options: SshConnectOptions = {},
): Promise<PresentedHostKey> {
  // no key is trusted, so the handshake stops before this (never sent) credential is used
  const untrusted: SshEndpoint = {
    ...target,
    auth: { kind: "password", password: "" },
    hostKey: { pinned: null, expected: null },
  };
  try {
    (await SshSession.open(untrusted, options)).close();
  } catch (error) {
    if (error instanceof SshError && error.kind === "host-key-unknown")
      return error.details.presented as PresentedHostKey;
    throw error;
  }
  throw new Error("a host key was accepted without being trusted");
}

/**
 * Ends the channel's stdin with `data`; a stream is piped (paused while the channel is full). A
 * stream that fails is not ended as if it were complete: `onError` stops the command.
 */
function endStdin(
  channel: ClientChannel,
  data: StdinData | undefined,
  onError: (error: Error) => void,
): void {
  if (!(data instanceof Readable)) {
    channel.end(data ?? "");
    return;
  }
  data.once("error", (error) => {
    data.unpipe(channel);
    onError(error);
  });
  data.pipe(channel);
}
