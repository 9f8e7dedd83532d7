import {
  type Descriptor,
  descriptors,
  isIndexMediaType,
  isManifestMediaType,
  OCI_LAYOUT_VERSION,
  type ParsedManifest,
  parseManifest,
} from "./media-types";
import { annotatedTarget, type TargetReference } from "./reference";

/**
 * What an OCI image layout asks to push, in the order a registry accepts it: blobs first, then
 * child manifests, then the tagged manifest. Pure: blob bytes come through `manifestBytes`.
 */

export interface ManifestToPush {
  descriptor: Descriptor;
  bytes: Uint8Array;
  parsed: ParsedManifest;
}

export interface ImagePlan {
  target: TargetReference;
  top: Descriptor;
  /** every non-manifest blob, once */
  blobs: Descriptor[];
  /** children before parents; the last one is `top` */
  manifests: ManifestToPush[];
  /** "linux/amd64" … for an index, one entry for a single manifest */
  platforms: string[];
  /** sum of the blob and manifest sizes */
  totalBytes: number;
}

/** The top-level descriptors of index.json (checked: a JSON object with a list of manifests). */
export function readIndexJson(bytes: Uint8Array): Descriptor[] {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error("index.json is not valid JSON");
  }
  if (typeof doc !== "object" || doc === null) throw new Error("index.json is not a JSON object");
  const found = descriptors((doc as { manifests?: unknown }).manifests, "manifests");
  if (found.length === 0) throw new Error("index.json lists no image");
  return found;
}

/** `oci-layout` must say imageLayoutVersion 1.0.0. */
export function checkLayoutFile(bytes: Uint8Array): void {
  let version: unknown;
  try {
    version = (JSON.parse(new TextDecoder().decode(bytes)) as { imageLayoutVersion?: unknown })
      .imageLayoutVersion;
  } catch {
    version = undefined;
  }
  if (version !== OCI_LAYOUT_VERSION) {
    throw new Error(`oci-layout does not say imageLayoutVersion ${OCI_LAYOUT_VERSION}`);
  }
}

/**
 * The image of a k0rdent bundle file (`<name>_<tag>.tar`): index.json's only entry, or the one
 * whose ref.name is the tag (the repository comes from the file's path, never from inside).
 */
export function archiveImage(entries: Descriptor[], tag: string): Descriptor {
  if (entries.length === 1 && entries[0]) return entries[0];
  const named = entries.filter((d) => d.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (named.length === 1 && named[0]) return named[0];
  throw new Error(
    `index.json lists ${entries.length} images and not exactly one is named "${tag}" (org.opencontainers.image.ref.name)`,
  );
}

/**
 * Every image of a standalone OCI layout (`k0s airgap bundle-artifacts`, `docker save` ≥ 25) with
 * where it lands: the full image name from `io.containerd.image.name` or a full
 * `org.opencontainers.image.ref.name`. A layout naming no image gets an error: its repository
 * cannot be guessed.
 */
export function layoutImages(
  entries: Descriptor[],
  prefix: string,
): { descriptor: Descriptor; target: TargetReference }[] {
  return entries.map((descriptor, index) => {
    const annotations = descriptor.annotations ?? {};
    const refName = annotations["org.opencontainers.image.ref.name"];
    const name =
      annotations["io.containerd.image.name"] ??
      (refName !== undefined && /[/:]/.test(refName) ? refName : undefined);
    if (name === undefined) {
      throw new Error(
        `index.json entry ${index + 1} (${descriptor.digest}) names no image (no io.containerd.image.name, and ref.name is ${refName === undefined ? "missing" : `only the tag "${refName}"`}): its repository cannot be told`,
      );
    }
    const target = annotatedTarget(name, prefix);
    if (typeof target === "string") throw new Error(`index.json entry ${index + 1}: ${target}`);
    return { descriptor, target };
  });
}

/**
 * The push plan of one image. Throws a sentence naming the digest when a manifest or blob is
 * missing from the archive (`hasBlob`) or a manifest is unreadable.
 */
export function planImage(
  target: TargetReference,
  top: Descriptor,
  manifestBytes: (digest: string) => Uint8Array | undefined,
  hasBlob: (digest: string) => boolean,
): ImagePlan {
  if (!isManifestMediaType(top.mediaType)) {
    throw new Error(
      `index.json names ${top.digest} with media type "${top.mediaType}", not a manifest`,
    );
  }
  const blobs = new Map<string, Descriptor>();
  const manifests = new Map<string, ManifestToPush>();
  const visit = (descriptor: Descriptor, parent: string) => {
    if (manifests.has(descriptor.digest)) return;
    const bytes = manifestBytes(descriptor.digest);
    if (bytes === undefined) {
      throw new Error(`${parent} names manifest ${descriptor.digest}, which the archive lacks`);
    }
    if (bytes.length !== descriptor.size) {
      throw new Error(
        `${parent} gives manifest ${descriptor.digest} a size of ${descriptor.size} bytes; it has ${bytes.length}`,
      );
    }
    let parsed: ParsedManifest;
    try {
      parsed = parseManifest(bytes, descriptor.mediaType);
    } catch (error) {
      throw new Error(`manifest ${descriptor.digest} ${(error as Error).message}`);
    }
    for (const child of parsed.manifests) visit(child, `index ${descriptor.digest}`);
    for (const blob of parsed.blobs) {
      if (!hasBlob(blob.digest)) {
        throw new Error(
          `manifest ${descriptor.digest} names blob ${blob.digest} (${blob.mediaType}), which the archive lacks`,
        );
      }
      blobs.set(blob.digest, blob);
    }
    manifests.set(descriptor.digest, { descriptor, bytes, parsed });
  };
  visit(top, "index.json");
  const ordered = [...manifests.values()];
  const platforms = isIndexMediaType(top.mediaType)
    ? (manifests.get(top.digest)?.parsed.manifests ?? []).map(platformName)
    : [platformName(top)];
  const totalBytes =
    [...blobs.values()].reduce((sum, b) => sum + b.size, 0) +
    ordered.reduce((sum, m) => sum + m.bytes.length, 0);
  return { target, top, blobs: [...blobs.values()], manifests: ordered, platforms, totalBytes };
}

function platformName(descriptor: Descriptor): string {
  const p = descriptor.platform;
  if (!p?.os) return descriptor.artifactType ?? "";
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}
