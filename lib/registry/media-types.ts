/** Manifest and artifact media types the push engine knows. Pure: no node:*. */

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const OCI_LAYOUT_VERSION = "1.0.0";
export const HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";

const INDEX_TYPES = new Set([OCI_INDEX, DOCKER_LIST]);
const MANIFEST_TYPES = new Set([OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST]);

/** Accept header for manifest requests: every type we push, so the registry never converts. */
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(", ");

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export function isManifestMediaType(mediaType: string): boolean {
  return MANIFEST_TYPES.has(mediaType);
}

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

export interface ParsedManifest {
  mediaType: string;
  /** child manifests (an index's platforms) */
  manifests: Descriptor[];
  /** blobs: config, then layers */
  blobs: Descriptor[];
}

/**
 * Reads a manifest or index: its media type (the document's own, or the descriptor's when the
 * document has none, as OCI allows) and what it refers to. Throws a sentence on bad JSON.
 */
export function parseManifest(bytes: Uint8Array, descriptorMediaType: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error("is not valid JSON");
  }
  if (typeof doc !== "object" || doc === null) throw new Error("is not a JSON object");
  const record = doc as Record<string, unknown>;
  const mediaType =
    typeof record.mediaType === "string" && record.mediaType !== ""
      ? record.mediaType
      : descriptorMediaType;
  if (!isManifestMediaType(mediaType)) throw new Error(`has an unknown media type "${mediaType}"`);
  if (isIndexMediaType(mediaType)) {
    return { mediaType, manifests: descriptors(record.manifests, "manifests"), blobs: [] };
  }
  const config = record.config === undefined ? [] : descriptors([record.config], "config");
  return { mediaType, manifests: [], blobs: [...config, ...descriptors(record.layers, "layers")] };
}

const digestPattern = /^sha256:[a-f0-9]{64}$/;

export function isSha256Digest(value: string): boolean {
  return digestPattern.test(value);
}

/** Descriptors of a list, checked: a sha256 digest, a size, a media type. */
export function descriptors(value: unknown, field: string): Descriptor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`has a "${field}" that is not a list`);
  return value.map((item, index) => {
    const d = item as Partial<Descriptor> | null;
    if (
      typeof d !== "object" ||
      d === null ||
      typeof d.digest !== "string" ||
      !isSha256Digest(d.digest) ||
      typeof d.size !== "number" ||
      typeof d.mediaType !== "string"
    ) {
      throw new Error(`has an invalid descriptor in "${field}" (item ${index + 1})`);
    }
    return d as Descriptor;
  });
}
