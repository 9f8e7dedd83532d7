import { CatalogBuilder, formatPath } from "./builder";
import type { CatalogResult } from "./types";
import { mapGet, scalarText, seqItems, type YamlSource } from "./yaml-nodes";

/** zarf.yaml: components[].images[]. `oci://` entries are Helm charts/artifacts, not images. */
export function readZarf(source: YamlSource, root: unknown): CatalogResult {
  const builder = new CatalogBuilder();
  (seqItems(mapGet(root, "components")) ?? []).forEach((component, i) => {
    (seqItems(mapGet(component, "images")) ?? []).forEach((image, j) => {
      const line = source.lineOf(image);
      const path = formatPath(["components", i, "images", j]);
      const text = scalarText(image);
      if (text === undefined) builder.error("", line, "expected an image reference string", path);
      else if (text.startsWith("oci://")) {
        builder.skip(
          text,
          line,
          "oci:// entries are Helm charts or other OCI artifacts, not container images",
        );
      } else builder.add(text, line, path);
    });
  });
  return builder.finish("zarf");
}
