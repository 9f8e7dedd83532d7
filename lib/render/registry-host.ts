import { isValidRegistryHost } from "@/lib/catalog/reference";
import { RenderInputError } from "./errors";

/** Docker Hub's other names; containerd looks images up under docker.io. */
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * Validates a registry host (or host:port) against the reference grammar and returns its
 * canonical form. Being grammar-checked is what keeps it from escaping `certs.d/` or
 * breaking out of a TOML string or a shell word.
 */
export function canonicalRegistry(input: string, field: string): string {
  const host = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    throw new RenderInputError(field, `"${input}" has a scheme; give only host or host:port`);
  }
  if (!isValidRegistryHost(host)) {
    throw new RenderInputError(
      field,
      `"${input}" is not a registry host (expected host or host:port, e.g. quay.io or 10.0.0.5:5000)`,
    );
  }
  const lower = host.toLowerCase();
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
