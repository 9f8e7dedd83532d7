import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { type Descriptor, DOCKER_MANIFEST } from "./media-types";
import { annotatedTarget, type TargetReference } from "./reference";

/**
 * A `docker save` archive of Docker < 25 (or `podman save`): manifest.json lists each image's
 * config file, its RepoTags and its layer files (uncompressed tars). The registry gets a Docker
 * v2 manifest built from them: config and layers keep their digests (the config file's sha256,
 * each layer's diff_id). Pure: the caller hands the files it read.
 */

export const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
export const DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

export interface DockerArchiveImage {
  target: TargetReference;
  /** the built manifest and its descriptor */
  manifest: Uint8Array;
  descriptor: Descriptor;
  config: { digest: string; bytes: Uint8Array };
  /** archive path → digest of each layer file */
  layers: { path: string; digest: string; size: number }[];
}

interface ManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

export function dockerArchiveImages(
  manifestJson: Uint8Array,
  files: ReadonlyMap<string, Uint8Array>,
  fileSizes: ReadonlyMap<string, number>,
  prefix: string,
): DockerArchiveImage[] {
  let entries: unknown;
  try {
    entries = JSON.parse(new TextDecoder().decode(manifestJson));
  } catch {
    throw new Error("manifest.json is not valid JSON");
  }
  if (!Array.isArray(entries) || entries.length === 0)
    throw new Error("manifest.json lists no image");
  return entries.flatMap((entry: ManifestEntry, index) => {
    const where = `manifest.json entry ${index + 1}`;
    if (typeof entry.Config !== "string") throw new Error(`${where} names no config file`);
    const configBytes = files.get(entry.Config);
    if (configBytes === undefined)
      throw new Error(`${where} names config ${entry.Config}, which the archive lacks`);
    const configDigest = `sha256:${bytesToHex(sha256(configBytes))}`;
    const diffIds = readDiffIds(configBytes, entry.Config);
    const layerPaths = Array.isArray(entry.Layers)
      ? entry.Layers.filter((l) => typeof l === "string")
      : [];
    if (layerPaths.length !== diffIds.length) {
      throw new Error(
        `${where} lists ${layerPaths.length} layers; its config ${entry.Config} has ${diffIds.length} diff_ids`,
      );
    }
    const layers = layerPaths.map((path, i) => {
      const size = fileSizes.get(path);
      if (size === undefined)
        throw new Error(`${where} names layer ${path}, which the archive lacks`);
      return { path, digest: diffIds[i] ?? "", size };
    });
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: DOCKER_CONFIG, size: configBytes.length, digest: configDigest },
        layers: layers.map((l) => ({
          mediaType: DOCKER_LAYER_TAR,
          size: l.size,
          digest: l.digest,
        })),
      }),
    );
    const descriptor: Descriptor = {
      mediaType: DOCKER_MANIFEST,
      digest: `sha256:${bytesToHex(sha256(manifest))}`,
      size: manifest.length,
    };
    const tags = Array.isArray(entry.RepoTags)
      ? entry.RepoTags.filter((t) => typeof t === "string")
      : [];
    if (tags.length === 0)
      throw new Error(`${where} (${entry.Config}) has no RepoTags: its repository cannot be told`);
    return tags.map((tag: string) => {
      const target = annotatedTarget(tag, prefix);
      if (typeof target === "string") throw new Error(`${where}: ${target}`);
      return {
        target,
        manifest,
        descriptor,
        config: { digest: configDigest, bytes: configBytes },
        layers,
      };
    });
  });
}

function readDiffIds(config: Uint8Array, name: string): string[] {
  let ids: unknown;
  try {
    ids = (JSON.parse(new TextDecoder().decode(config)) as { rootfs?: { diff_ids?: unknown } })
      .rootfs?.diff_ids;
  } catch {
    throw new Error(`config ${name} is not valid JSON`);
  }
  if (
    !Array.isArray(ids) ||
    !ids.every((id) => typeof id === "string" && /^sha256:[a-f0-9]{64}$/.test(id))
  ) {
    throw new Error(`config ${name} has no valid rootfs.diff_ids`);
  }
  return ids as string[];
}
