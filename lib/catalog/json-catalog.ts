import { CatalogBuilder, formatPath } from "./builder";
import { NotACatalogError } from "./errors";
import { type JsonNode, JsonSyntaxError, member, parseJsonWithLines } from "./json-lines";
import { isValidTag } from "./reference";
import type { CatalogResult } from "./types";

const containerdNameKey = "io.containerd.image.name";
const ociRefNameKey = "org.opencontainers.image.ref.name";

/** index.json (OCI image layout) or docker save manifest.json, told apart by shape. */
export function readJsonCatalog(text: string): CatalogResult {
  let root: JsonNode;
  try {
    root = parseJsonWithLines(text);
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
    return readOciIndex(manifests.items);
  }
  if (root.kind === "array" && root.items.length > 0 && root.items.every(isDockerSaveEntry)) {
    return readDockerSaveManifest(root.items);
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
function readOciIndex(manifests: JsonNode[]): CatalogResult {
  const builder = new CatalogBuilder();
  manifests.forEach((manifest, i) => {
    if (manifest.kind !== "object") {
      builder.error(
        manifest.kind,
        manifest.line,
        "manifest entry is not an object",
        formatPath(["manifests", i]),
      );
      return;
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
  });
  return builder.finish("oci-index");
}

/** docker save manifest.json: RepoTags in short form; null RepoTags means saved by ID (no name). */
function readDockerSaveManifest(entries: JsonNode[]): CatalogResult {
  const builder = new CatalogBuilder();
  entries.forEach((entry, i) => {
    const repoTags = member(entry, "RepoTags");
    const config = member(entry, "Config");
    const label = config?.kind === "string" ? config.value : formatPath([i]);
    if (repoTags?.kind !== "array" || repoTags.items.length === 0) {
      builder.skip(
        label,
        entry.line,
        "image has no RepoTags (saved by ID), so its name is unknown",
      );
      return;
    }
    repoTags.items.forEach((repoTag, j) => {
      const path = formatPath([i, "RepoTags", j]);
      if (repoTag.kind === "string") builder.add(repoTag.value, repoTag.line, path);
      else builder.error(repoTag.kind, repoTag.line, "RepoTags entry is not a string", path);
    });
  });
  return builder.finish("docker-save-manifest");
}
