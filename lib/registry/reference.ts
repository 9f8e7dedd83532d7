import { isValidTag, parseReferenceParts } from "@/lib/catalog/reference";

/**
 * Where bundle artifacts land and the registry API paths for them. Pure: no node:*.
 */

/** A repository path by distribution's grammar: lowercase components joined by "/". */
const repositoryPattern =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function isValidRepository(path: string): boolean {
  return path.length <= 255 && repositoryPattern.test(path);
}

export interface TargetReference {
  repository: string;
  tag: string;
}

export function formatReference(target: TargetReference): string {
  return `${target.repository}:${target.tag}`;
}

/** `<prefix>/<path>` (no prefix: `<path>`); the prefix is stripped of surrounding slashes. */
export function targetRepository(prefix: string, path: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, "");
  return clean === "" ? path : `${clean}/${path}`;
}

/**
 * A bundle entry `<path>/<name>_<tag>.tar` → `<prefix>/<path>/<name>:<tag>`, split at the LAST
 * "_" (tags never hold one, names may). Returns a sentence when the entry is not one: outside
 * the archive root, not `<name>_<tag>.tar`, or not a valid repository/tag.
 */
export function bundleEntryTarget(entry: string, prefix: string): TargetReference | string {
  const path = entry.replace(/^(\.\/)+/, "");
  const segments = path.split("/");
  if (path.startsWith("/") || segments.some((s) => s === ".." || s === "." || s === "")) {
    return "is outside the archive root (an absolute path or a .. segment)";
  }
  const file = segments.pop() ?? "";
  const match = /^(.+)_([^_]+)\.tar$/.exec(file);
  if (match === null) return "is not named <name>_<tag>.tar";
  const [, name = "", tag = ""] = match;
  const repository = targetRepository(prefix, [...segments, name].join("/"));
  if (!isValidTag(tag)) return `has an invalid tag "${tag}"`;
  if (!isValidRepository(repository)) {
    return `gives "${repository}", not a valid repository name (lowercase letters, digits, . _ - separators)`;
  }
  return { repository, tag };
}

/**
 * An image name from an OCI layout annotation (`docker.io/library/busybox:1.36`,
 * `quay.io/k0sproject/coredns:1.12.2`) → `<prefix>/<path without the registry host>:<tag>`, the
 * path containerd requests under the prefix layout. A sentence when it is no full reference.
 */
export function annotatedTarget(imageName: string, prefix: string): TargetReference | string {
  const parts = parseReferenceParts(imageName);
  if (typeof parts === "string") return `"${imageName}" is not an image reference (${parts})`;
  const repository = targetRepository(prefix, parts.path);
  if (!isValidRepository(repository)) return `"${repository}" is not a valid repository name`;
  return { repository, tag: parts.tag ?? "latest" };
}

/** Registry API paths (every segment of a repository is kept as it is: they are validated). */
export const registryPaths = {
  root: () => "/v2/",
  blob: (repository: string, digest: string) => `/v2/${repository}/blobs/${digest}`,
  uploads: (repository: string) => `/v2/${repository}/blobs/uploads/`,
  mount: (repository: string, digest: string, from: string) =>
    `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
  manifest: (repository: string, reference: string) => `/v2/${repository}/manifests/${reference}`,
  tags: (repository: string, pageSize: number, last?: string) =>
    `/v2/${repository}/tags/list?n=${pageSize}${lastParam(last)}`,
  catalog: (pageSize: number, last?: string) => `/v2/_catalog?n=${pageSize}${lastParam(last)}`,
};

function lastParam(last: string | undefined): string {
  return last ? `&last=${encodeURIComponent(last)}` : "";
}

/** `?digest=` added to an upload Location (which may already carry a query, e.g. _state). */
export function uploadCompletionUrl(location: string, base: string, digest: string): URL {
  const url = new URL(location, base);
  url.searchParams.set("digest", digest);
  return url;
}

/**
 * The registry part of a setting like `registry.local:5000/k0rdent-enterprise`:
 * { host: "registry.local:5000", prefix: "k0rdent-enterprise" }.
 */
export function splitRegistryAddress(address: string): { host: string; prefix: string } {
  const trimmed = address.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  return slash === -1
    ? { host: trimmed, prefix: "" }
    : { host: trimmed.slice(0, slash), prefix: trimmed.slice(slash + 1) };
}
