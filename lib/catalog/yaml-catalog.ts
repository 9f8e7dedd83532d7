import { NotACatalogError } from "./errors";
import { haulerApiGroup, readHauler } from "./hauler";
import { isRegistryMap, readRegistryMap, registryMapFormat } from "./registry-map";
import type { CatalogResult } from "./types";
import { mapGet, parseYaml, scalarText } from "./yaml-nodes";
import { readZarf } from "./zarf";

/** Zarf, Hauler, skopeo sync or mindthegap, told apart by content; the file name only breaks ties. */
export function readYamlCatalog(text: string, fileName?: string): CatalogResult {
  const source = parseYaml(text);
  const roots = source.docs.map((doc) => doc.contents).filter((root) => root !== null);
  const root = roots[0];
  if (root === undefined) throw new NotACatalogError("YAML without any content");
  if (roots.some((r) => (scalarText(mapGet(r, "apiVersion")) ?? "").startsWith(haulerApiGroup))) {
    return readHauler(source);
  }
  if (scalarText(mapGet(root, "kind")) === "ZarfPackageConfig") return readZarf(source, root);
  if (isRegistryMap(root)) return readRegistryMap(source, root, registryMapFormat(root, fileName));
  throw new NotACatalogError(
    "YAML that is not a Zarf package, a Hauler manifest, a skopeo sync file or a mindthegap images file",
  );
}
