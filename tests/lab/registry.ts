import { mkdirSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { inNetns } from "./netns";
import { type Daemon, startDaemon, tryRun } from "./proc";
import { type RegistryEndpoint, registryRequest } from "./registry-client";
import { GiveUp, waitFor } from "./wait";

export interface RegistryOptions {
  /** label for logs and errors */
  name: string;
  /** directory for config, log (and the storage, unless `storageDir` is given) */
  dir: string;
  /** filesystem storage; several registries may share one (no blob-descriptor cache is configured) */
  storageDir?: string;
  /** "unix" listens on `<dir>/registry.sock`; otherwise a TCP host:port */
  listen: "unix" | { tcp: string };
  /** run inside this network namespace (then it is only reachable from inside it) */
  netns?: string;
  /** serve https with this certificate (TCP listeners only) */
  tls?: { certFile: string; keyFile: string };
  /** require credentials: an htpasswd file (bcrypt), or tokens from a token server */
  auth?:
    | { htpasswdFile: string }
    | { token: { realm: string; service: string; issuer: string; rootCertFile: string } };
}

export interface Registry {
  name: string;
  /** how this process reaches it, or undefined when it listens inside a network namespace */
  endpoint: RegistryEndpoint | undefined;
  /** "host:port" for TCP listeners */
  address: string | undefined;
  storageDir: string;
  logFile: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

/** Start Debian's `docker-registry serve` (CNCF distribution 2.8) and wait for GET /v2/ to answer. */
export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  const storageDir = options.storageDir ?? join(options.dir, "storage");
  mkdirSync(storageDir, { recursive: true });
  const socketPath = join(options.dir, "registry.sock");
  const http =
    options.listen === "unix"
      ? { net: "unix", addr: socketPath }
      : { net: "tcp", addr: options.listen.tcp };
  // JSON is valid YAML, so no YAML writer is needed.
  const config = {
    version: "0.1",
    log: { level: "info", formatter: "text", accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: storageDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      ...http,
      secret: "k0lab-not-a-secret",
      ...(options.tls
        ? { tls: { certificate: options.tls.certFile, key: options.tls.keyFile } }
        : {}),
    },
    ...(options.auth ? { auth: authConfig(options.auth) } : {}),
  };
  const configFile = join(options.dir, "registry.yml");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = join(options.dir, "registry.log");

  const [cmd, args] = options.netns
    ? inNetns(options.netns, "docker-registry", ["serve", configFile])
    : ["docker-registry", ["serve", configFile]];
  const daemon = startDaemon(options.name, cmd, args, logFile);

  let endpoint: RegistryEndpoint | undefined;
  let address: string | undefined;
  if (options.listen === "unix") endpoint = { socketPath };
  else {
    address = options.listen.tcp;
    const [host, port] = splitHostPort(address);
    if (!options.netns) endpoint = { host, port };
  }

  const probe = async (): Promise<boolean> => {
    if (!daemon.running()) throw new GiveUp(`${options.name} exited`);
    if (endpoint && (options.tls || options.auth)) return answersV2(address ?? "", !!options.tls);
    if (endpoint)
      return (await registryRequest(endpoint, "GET", "/v2/", { timeoutMs: 1_000 })).status === 200;
    // This process cannot enter the namespace, so ask curl inside it.
    // with TLS, any certificate; with auth, a 401 answers too (-f would fail on it)
    const [c, a] = inNetns(options.netns ?? "", "curl", [
      "-sk",
      ...(options.auth ? [] : ["-f"]),
      "-o",
      "/dev/null",
      "-m",
      "1",
      `${options.tls ? "https" : "http"}://${address}/v2/`,
    ]);
    return tryRun(c, a, 3_000);
  };
  try {
    await waitFor(`${options.name} to answer /v2/`, probe, {
      timeoutMs: 10_000,
      describe: () => daemon.logTail(20),
    });
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return {
    name: options.name,
    endpoint,
    address,
    storageDir,
    logFile,
    daemon,
    stop: () => daemon.stop(),
  };
}

function authConfig(auth: NonNullable<RegistryOptions["auth"]>) {
  if ("htpasswdFile" in auth) return { htpasswd: { realm: "k0lab", path: auth.htpasswdFile } };
  const { realm, service, issuer, rootCertFile } = auth.token;
  return { token: { realm, service, issuer, rootcertbundle: rootCertFile } };
}

/** GET /v2/ answers 200 or 401 (a registry that wants credentials is up too). */
function answersV2(address: string, tls: boolean): Promise<boolean> {
  const send = tls ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(`${tls ? "https" : "http"}://${address}/v2/`, {
      rejectUnauthorized: false,
      timeout: 1_000,
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 401);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(":");
  return [address.slice(0, at).replace(/^\[|\]$/g, ""), Number(address.slice(at + 1))];
}
