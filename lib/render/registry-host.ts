import { isValidRegistryHost } from "@/lib/catalog/reference";
import { RenderInputError } from "./errors";

/** Docker Hub's other names; containerd looks images up under docker.io. */
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** The longest registry address (host[:port]) the console takes. */
const MAX_REGISTRY_ADDRESS = 255;
/** DNS limits (RFC 1035): a whole name, and each dot-separated label. */
const MAX_HOSTNAME = 253;
const MAX_HOSTNAME_LABEL = 63;

/**
 * What is wrong with a registry host (or host:port), or null: the reference grammar (what
 * containerd accepts), DNS's length limits, and a port in 1-65535. Being grammar-checked is what
 * keeps it from escaping `certs.d/` or breaking out of a TOML string or a shell word. Long
 * inputs are not repeated in the message.
 */
export function registryHostProblem(input: string): string | null {
  const host = input.trim();
  if (host.length > MAX_REGISTRY_ADDRESS) {
    return `is ${host.length} characters long; at most ${MAX_REGISTRY_ADDRESS}`;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    return `"${input}" has a scheme; give only host or host:port`;
  }
  if (!isValidRegistryHost(host)) {
    return `"${input}" is not a registry host (expected host or host:port, e.g. quay.io or 10.0.0.5:5000)`;
  }
  const name = hostnameOf(host);
  const port = host.slice(host.startsWith("[") ? host.indexOf("]") + 1 : name.length);
  if (port && !(Number(port.slice(1)) >= 1 && Number(port.slice(1)) <= 65535)) {
    return `port ${port.slice(1)} is not a port number (1-65535)`;
  }
  if (host.startsWith("[")) return null;
  if (name.length > MAX_HOSTNAME) {
    return `the host name is ${name.length} characters long; at most ${MAX_HOSTNAME}`;
  }
  if (name.split(".").some((label) => label.length > MAX_HOSTNAME_LABEL)) {
    return `a part of the host name between dots is longer than ${MAX_HOSTNAME_LABEL} characters`;
  }
  return null;
}

/** Validates a registry host (see registryHostProblem) and returns its canonical form. */
export function canonicalRegistry(input: string, field: string): string {
  const problem = registryHostProblem(input);
  if (problem) throw new RenderInputError(field, problem);
  const lower = input.trim().toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? "docker.io" : lower;
}

/** The hostname part of host[:port], without IPv6 brackets. */
export function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

export function isLoopback(host: string): boolean {
  const name = hostnameOf(host);
  return name === "localhost" || name === "::1" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** The server containerd falls back to when no mirror answers. */
export function upstreamServer(registry: string): string {
  return registry === "docker.io" ? "https://registry-1.docker.io" : `https://${registry}`;
}
