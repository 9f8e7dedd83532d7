import { CatalogBuilder, formatPath } from "./builder";
import { NotACatalogError } from "./errors";
import { type JsonNode, JsonSyntaxError, member, parseJsonSteps } from "./json-lines";
import { isValidTag } from "./reference";
import type { Steps } from "./steps";
import type { CatalogResult } from "./types";

const containerdNameKey = "io.containerd.image.name";
const ociRefNameKey = "org.opencontainers.image.ref.name";

/**
 * index.json (OCI image layout) or docker save manifest.json, told apart by shape; yields between
 * JSON values and between manifests.
 */
export function* jsonCatalogSteps(text: string): Steps<CatalogResult> {
  let root: JsonNode;
  try {
    root = yield* parseJsonSteps(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw new NotACatalogError(`invalid JSON (${error.message})`);
    throw error;
  }
  const manifests = member(root, "manifests");
  if (manifests?.kind === "array") {
    const schemaVersion = member(root, "schemaVersion");
    if (schemaVersion?.kind === "number" && schemaVersion.value !== 2) {
      throw new NotACatalogError(
        `JSON with manifests[] but schemaVersion ${schemaVersion.value} (an OCI index has schemaVersion 2)`,
      );
    }
    return yield* readOciIndex(manifests.items);
  }
  if (root.kind === "array" && root.items.length > 0 && root.items.every(isDockerSaveEntry)) {
    return yield* readDockerSaveManifest(root.items);
  }
  throw new NotACatalogError(
    "JSON without `manifests[]` (OCI index) or a docker save manifest array (`[{Config, RepoTags, Layers}]`)",
  );
}

function isDockerSaveEntry(node: JsonNode): boolean {
  return node.kind === "object" && (node.members.has("RepoTags") || node.members.has("Config"));
}

/**
 * Names come from `io.containerd.image.name` (always a full reference) or, failing that,
 * `org.opencontainers.image.ref.name`, which k0s fills with a full reference but docker/skopeo
 * with a bare tag — a bare tag names no image, so that manifest is skipped.
 */
function* readOciIndex(manifests: JsonNode[]): Steps<CatalogResult> {
  const builder = new CatalogBuilder();
  for (const [i, manifest] of manifests.entries()) {
    yield;
    if (manifest.kind !== "object") {
      builder.error(
        manifest.kind,
        manifest.line,
        "manifest entry is not an object",
        formatPath(["manifests", i]),
      );
      continue;
    }
    const annotations = member(manifest, "annotations");
    const containerdName = member(annotations, containerdNameKey);
    const refName = member(annotations, ociRefNameKey);
    const digest = member(manifest, "digest");
    const label = digest?.kind === "string" ? digest.value : formatPath(["manifests", i]);
    const named = containerdName ?? refName;
    const key = containerdName ? containerdNameKey : ociRefNameKey;
    const path = formatPath(["manifests", i, "annotations", key]);
    if (named === undefined) {
      builder.skip(
        label,
        manifest.line,
        `manifest has no ${containerdNameKey} or ${ociRefNameKey} annotation, so its image name is unknown`,
      );
    } else if (named.kind !== "string") {
      builder.error(named.kind, named.line, `annotation ${key} is not a string`, path);
    } else if (named === refName && isValidTag(named.value)) {
      builder.skip(
        named.value,
        named.line,
        `${ociRefNameKey} is only a tag ("${named.value}") and there is no ${containerdNameKey} annotation, so the image name is unknown`,
      );
    } else {
      builder.add(named.value, named.line, path);
    }
  }
  return builder.finish("oci-index");
}

/** docker save manifest.json: RepoTags in short form; null RepoTags means saved by ID (no name). */
function* readDockerSaveManifest(entries: JsonNode[]): Steps<CatalogResult> {
  const builder = new CatalogBuilder();
  for (const [i, entry] of entries.entries()) {
    yield;
    const repoTags = member(entry, "RepoTags");
    const config = member(entry, "Config");
    const label = config?.kind === "string" ? config.value : formatPath([i]);
    if (repoTags?.kind !== "array" || repoTags.items.length === 0) {
      builder.skip(
        label,
        entry.line,
        "image has no RepoTags (saved by ID), so its name is unknown",
      );
      continue;
    }
    repoTags.items.forEach((repoTag, j) => {
      const path = formatPath([i, "RepoTags", j]);
      if (repoTag.kind === "string") builder.add(repoTag.value, repoTag.line, path);
      else builder.error(repoTag.kind, repoTag.line, "RepoTags entry is not a string", path);
    });
  }
  return builder.finish("docker-save-manifest");
}
