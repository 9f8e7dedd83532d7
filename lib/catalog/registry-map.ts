import { isMap, isScalar } from "yaml";
import { CatalogBuilder, formatPath } from "./builder";
import type { CatalogResult } from "./types";
import { mapEntries, mapGet, scalarText, seqItems, type YamlSource } from "./yaml-nodes";

export type RegistryMapFormat = "skopeo-sync" | "mindthegap";

const unlistableKeys = ["images-by-tag-regex", "images-by-semver"];
const imageKeys = ["images", ...unlistableKeys];
const skopeoOnlyKeys = ["images-by-tag-regex", "images-by-semver", "tls-verify", "cert-dir"];
const mindthegapOnlyKeys = ["tlsVerify", "imagelabels"];

/** A YAML map of registry → {images: {repo: [tags]}, …}: skopeo sync and mindthegap share it. */
export function isRegistryMap(root: unknown): boolean {
  const registries = mapEntries(root);
  return (
    registries.length > 0 &&
    registries.every((r) => isMap(r.value) || isNull(r.value)) &&
    registries.some((r) => mapEntries(r.value).some((e) => imageKeys.includes(e.key)))
  );
}

/** skopeo writes kebab-case keys, mindthegap camelCase; when neither shows, the file name decides. */
export function registryMapFormat(root: unknown, fileName = ""): RegistryMapFormat {
  const keys = mapEntries(root).flatMap((r) => mapEntries(r.value).map((e) => e.key));
  if (keys.some((k) => skopeoOnlyKeys.includes(k))) return "skopeo-sync";
  if (keys.some((k) => mindthegapOnlyKeys.includes(k))) return "mindthegap";
  return /mindthegap/i.test(fileName) ? "mindthegap" : "skopeo-sync";
}

/**
 * Each tag under registry/images/repo is one entry (`registry/repo:tag`, or `@digest` for a
 * digest). Tags are read as written: `1.20` stays "1.20". An empty tag list means "all tags" to
 * skopeo, and regex/semver selections need the registry — neither can be listed offline.
 */
export function readRegistryMap(
  source: YamlSource,
  root: unknown,
  format: RegistryMapFormat,
): CatalogResult {
  const builder = new CatalogBuilder();
  for (const registry of mapEntries(root)) {
    for (const repo of mapEntries(mapGet(registry.value, "images"))) {
      const name = `${registry.key}/${repo.key}`;
      const tags = seqItems(repo.value) ?? [];
      if (tags.length === 0) {
        const reason =
          format === "skopeo-sync"
            ? "no tags listed: skopeo syncs every tag of the repository, which cannot be listed offline"
            : "no tags listed for this repository";
        builder.skip(name, source.lineOf(repo.keyNode), reason);
      }
      tags.forEach((tagNode, j) => {
        const line = source.lineOf(tagNode);
        const path = formatPath([registry.key, "images", repo.key, j]);
        const tag = scalarText(tagNode);
        if (tag === undefined) builder.error(name, line, "expected a tag or digest string", path);
        else builder.add(tag.includes(":") ? `${name}@${tag}` : `${name}:${tag}`, line, path);
      });
    }
    for (const key of unlistableKeys) {
      for (const repo of mapEntries(mapGet(registry.value, key))) {
        const rule = scalarText(repo.value) ?? "";
        builder.skip(
          `${registry.key}/${repo.key}`,
          source.lineOf(repo.keyNode),
          `${key} "${rule}" selects tags by asking the registry, so they cannot be listed offline`,
        );
      }
    }
  }
  return builder.finish(format);
}

function isNull(node: unknown): boolean {
  return node === null || (isScalar(node) && node.value === null);
}
