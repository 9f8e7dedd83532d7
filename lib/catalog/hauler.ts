import { CatalogBuilder, formatPath } from "./builder";
import type { CatalogResult } from "./types";
import { mapEntries, mapGet, scalarText, seqItems, type YamlSource } from "./yaml-nodes";

export const haulerApiGroup = "content.hauler.cattle.io/";

/**
 * Hauler manifests: several documents; `kind: Images` lists spec.images[].name. Other kinds
 * (Charts, Files) carry no container images — each of their items becomes a skipped entry.
 */
export function readHauler(source: YamlSource): CatalogResult {
  const builder = new CatalogBuilder();
  for (const doc of source.docs) {
    const root = doc.contents;
    if (root === null) continue;
    const apiVersion = scalarText(mapGet(root, "apiVersion")) ?? "";
    const kind = scalarText(mapGet(root, "kind")) ?? "(no kind)";
    const docLine = source.lineOf(root);
    if (!apiVersion.startsWith(haulerApiGroup)) {
      builder.skip(`${apiVersion || "(no apiVersion)"} ${kind}`, docLine, "not a Hauler document");
      continue;
    }
    const spec = mapGet(root, "spec");
    if (kind === "Images") {
      (seqItems(mapGet(spec, "images")) ?? []).forEach((item, j) => {
        const path = formatPath(["spec", "images", j, "name"]);
        const name = scalarText(item) ?? scalarText(mapGet(item, "name"));
        if (name === undefined)
          builder.error("", source.lineOf(item), "image entry has no name", path);
        else builder.add(name, source.lineOf(item), path);
      });
      continue;
    }
    const lists = mapEntries(spec).filter((entry) => seqItems(entry.value) !== undefined);
    if (lists.length === 0)
      builder.skip(kind, docLine, `Hauler ${kind} document, not container images`);
    for (const list of lists) {
      for (const item of seqItems(list.value) ?? []) {
        const label =
          scalarText(mapGet(item, "name")) ?? scalarText(mapGet(item, "path")) ?? list.key;
        builder.skip(label, source.lineOf(item), `Hauler ${kind} entry, not a container image`);
      }
    }
  }
  return builder.finish("hauler");
}
