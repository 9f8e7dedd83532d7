import { parseNormalizedNamed } from "@/lib/catalog/reference";
import { RenderInputError } from "./errors";
import { canonicalRegistry, isLoopback } from "./registry-host";
import type { MirrorLayout, RenderWarning } from "./types";

export interface RegistryPlanInput {
  registries: string[];
  /** every address a node uses for the mirror: those registries need no mirror */
  mirrorAddresses: string[];
  /** registries k0s pulls its own images from for this version */
  systemRegistries: string[];
  defaultMirror: boolean;
}

/** The registries that get a hosts.toml, in a stable order, with a warning for each one dropped. */
export function planRegistries(input: RegistryPlanInput, warnings: RenderWarning[]): string[] {
  const planned: string[] = [];
  input.registries.forEach((raw, index) => {
    const registry = canonicalRegistry(raw, `registries[${index}]`);
    if (planned.includes(registry)) {
      const alias = raw.trim().toLowerCase() === registry ? "" : ` (${raw.trim()} is ${registry})`;
      warnings.push({
        code: "duplicate-endpoint",
        subject: registry,
        message: `${registry} is listed more than once${alias}; containerd would read one hosts.toml for it, so it is written once`,
      });
    } else if (input.mirrorAddresses.includes(registry)) {
      warnings.push({
        code: "registry-is-mirror",
        subject: registry,
        message: `${registry} is the mirror itself: its images are pulled from it directly, no mirror entry is written`,
      });
    } else if (isLoopback(registry)) {
      warnings.push({
        code: "loopback-registry",
        subject: registry,
        message: `${registry} is a loopback address: each node would reach its own loopback, so no mirror entry is written`,
      });
    } else {
      planned.push(registry);
    }
  });
  if (planned.length === 0 && !input.defaultMirror) {
    throw new RenderInputError(
      "registries",
      "name at least one upstream registry to mirror (or enable defaultMirror)",
    );
  }
  for (const system of input.systemRegistries) {
    if (!planned.includes(system) && !input.defaultMirror) {
      warnings.push({
        code: "missing-system-registry",
        subject: system,
        message: `k0s pulls its own system images from ${system}, which has no mirror entry: those pulls would fail in the airgap`,
      });
    }
  }
  return planned.sort();
}

/**
 * Images that land on the same path of one mirror: a plain registry ignores containerd's `ns`
 * parameter, so docker.io/library/x and quay.io/library/x would be the same image there.
 */
export function collisionWarnings(images: string[], layout: MirrorLayout): RenderWarning[] {
  if (layout === "per-registry") return [];
  const byPath = new Map<string, Set<string>>();
  for (const ref of images) {
    const parsed = tryParse(ref);
    if (!parsed) continue;
    const registries = byPath.get(parsed.path) ?? new Set<string>();
    registries.add(parsed.domain);
    byPath.set(parsed.path, registries);
  }
  return [...byPath]
    .filter(([, registries]) => registries.size > 1)
    .map(([path, registries]) => ({
      code: "path-collision",
      subject: path,
      message: `${[...registries].sort().join(" and ")} both have ${path}: on one mirror with this layout they share the path /v2/${path} — use the per-registry layout`,
    }));
}

function tryParse(ref: string): { domain: string; path: string } | null {
  try {
    return parseNormalizedNamed(ref);
  } catch {
    return null; // the catalog reader reports bad references; here they simply cannot collide
  }
}
