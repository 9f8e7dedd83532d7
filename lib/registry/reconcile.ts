/**
 * Reconcile, the pure part: every reference a node will pull (k0s's system images for the fleet's
 * k0s version, then the catalog), the request containerd makes for each through the rendered
 * hosts.toml (lib/checks/mirror-request, the pre-flight check's own mapping), where a missing one
 * may already sit in the registry, and what a manifest found there means for the fleet's
 * architectures. No node:*, no network.
 */
import { parseReferenceParts } from "@/lib/catalog/reference";
import { type ImageLocator, mirrorRequestFor } from "@/lib/checks/mirror-request";
import type { RenderedFile } from "@/lib/render/types";
import { k0sSystemImages } from "./k0s-images";
import type { Descriptor } from "./media-types";

export type ReferenceSource = "k0s" | "catalog";

export interface FleetReference {
  /** as a pod spec or k0s names it, e.g. registry.k8s.io/pause:3.9 */
  image: string;
  source: ReferenceSource;
  locator: ImageLocator;
}

export interface FleetReferences {
  references: FleetReference[];
  /** false: the k0s version is outside the built-in table and no list-images output was given */
  k0sKnown: boolean;
}

/**
 * k0s's system images (the exact `k0s airgap list-images --all` output when given, else the
 * built-in table), then the catalog; each image once, in that order. Unparsable lines are skipped
 * (the catalog was validated when it was loaded).
 */
export function fleetReferences(input: {
  k0sVersion: string;
  k0sImages?: readonly string[];
  catalog: readonly string[];
}): FleetReferences {
  const k0s = input.k0sImages ?? k0sSystemImages(input.k0sVersion);
  const seen = new Set<string>();
  const references: FleetReference[] = [];
  const add = (images: readonly string[], source: ReferenceSource) => {
    for (const image of images) {
      const locator = imageLocator(image);
      if (locator === null || seen.has(image)) continue;
      seen.add(image);
      references.push({ image, source, locator });
    }
  };
  add(k0s ?? [], "k0s");
  add(input.catalog, "catalog");
  return { references, k0sKnown: k0s !== null };
}

/** An image reference as containerd resolves it; null when it is none. */
export function imageLocator(image: string): ImageLocator | null {
  const parts = parseReferenceParts(image);
  if (typeof parts === "string") return null;
  return { registry: parts.domain, repository: parts.path, tag: parts.tag, digest: parts.digest };
}

/** Where a reference is requested: the registry repository and tag or digest behind the URL. */
export interface PlannedRequest {
  image: string;
  source: ReferenceSource;
  /** the manifest URL containerd requests (with ?ns=) */
  url: string;
  /** the repository in the registry that URL names, e.g. k0rdent-enterprise/pause */
  repository: string;
  /** the tag or digest it asks for */
  reference: string;
}

/**
 * Each reference's request through the rendered files, split into those that reach the mirror and
 * those no hosts.toml applies to (containerd would go upstream: reported, never checked).
 */
export function plannedRequests(
  references: readonly FleetReference[],
  files: RenderedFile[],
): { requests: PlannedRequest[]; upstream: FleetReference[] } {
  const requests: PlannedRequest[] = [];
  const upstream: FleetReference[] = [];
  for (const ref of references) {
    const request = mirrorRequestFor(ref.locator, files);
    const target = request === null ? null : requestTarget(request.url);
    if (request === null || target === null) upstream.push(ref);
    else requests.push({ image: ref.image, source: ref.source, url: request.url, ...target });
  }
  return { requests, upstream };
}

/** `…/v2/<repository>/manifests/<reference>?ns=…` → its repository and reference. */
export function requestTarget(url: string): { repository: string; reference: string } | null {
  const match = /\/v2\/(.+)\/manifests\/([^/?]+)$/.exec(new URL(url).pathname);
  if (match === null) return null;
  const [, repository = "", reference = ""] = match;
  return { repository, reference: decodeURIComponent(reference) };
}

/** Most candidate repositories tried for one missing reference. */
export const MAX_CANDIDATES = 8;

/**
 * Repositories of the registry that may hold what `repository` lacks: the same last name
 * (`k8s/pause` for `pause`), best first — those sharing the requested path's prefix (the same
 * push), then the longest common tail, then name order. The requested repository itself never.
 */
export function candidateRepositories(repository: string, catalog: readonly string[]): string[] {
  const name = lastSegment(repository);
  const prefix = repository.slice(0, repository.length - name.length);
  return catalog
    .filter((other) => other !== repository && lastSegment(other) === name)
    .map((other) => ({
      other,
      samePrefix: prefix !== "" && other.startsWith(prefix) ? 1 : 0,
      tail: commonTail(other, repository),
    }))
    .sort((a, b) => b.samePrefix - a.samePrefix || b.tail - a.tail || (a.other < b.other ? -1 : 1))
    .slice(0, MAX_CANDIDATES)
    .map((c) => c.other);
}

function lastSegment(repository: string): string {
  return repository.slice(repository.lastIndexOf("/") + 1);
}

/** How many trailing path segments two repositories share. */
function commonTail(a: string, b: string): number {
  const x = a.split("/").reverse();
  const y = b.split("/").reverse();
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

export type ReferenceState = "present" | "missing" | "wrong-platform";

/**
 * What a manifest found at the requested path means for the fleet: an index must list every
 * architecture the fleet runs (linux); a single manifest is taken as fitting (its platform sits in
 * its config blob, which containerd checks only after the pull).
 */
export function manifestState(
  found: { index: boolean; manifests: Descriptor[] } | null,
  architectures: readonly string[],
): { state: ReferenceState; lacking: string[] } {
  if (found === null) return { state: "missing", lacking: [] };
  if (!found.index) return { state: "present", lacking: [] };
  const offered = new Set(
    found.manifests
      .filter((child) => (child.platform?.os ?? "linux") === "linux")
      .map((child) => child.platform?.architecture),
  );
  const lacking = architectures.filter((arch) => !offered.has(arch));
  return lacking.length === 0
    ? { state: "present", lacking }
    : { state: "wrong-platform", lacking };
}
