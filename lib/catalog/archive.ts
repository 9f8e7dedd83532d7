import { CatalogBuilder } from "./builder";
import type { ByteSource } from "./byte-source";
import { NotACatalogError } from "./errors";
import { jsonCatalogSteps } from "./json-catalog";
import { runCooperatively } from "./steps";
import { readTarMembers } from "./tar";
import { decodeCatalogText } from "./text";
import type { CatalogResult } from "./types";

/** index.json / manifest.json at the top of the archive or one directory down. */
const catalogMember = /^(?:[^/]+\/)?(index|manifest)\.json$/;
/** Mirantis k0rdent Enterprise bundle: <path>/<name>_<tag>.tar (the tag after the last "_"). */
const bundleImageMember = /^(?:(.*)\/)?([^/]+)_([^/_]+)\.tar$/;

/**
 * An airgap bundle archive, streamed: only index.json / manifest.json are buffered. When both
 * exist (docker save ≥ 25 writes both), the one naming more images wins, index.json on a tie.
 * Without either, Mirantis-style `<name>_<tag>.tar` members are listed as skipped: their
 * names carry no registry host, and guessing docker.io would be wrong.
 */
export async function readBundleArchive(
  source: ByteSource,
  maxTextBytes: number,
): Promise<CatalogResult> {
  const catalogs: { name: string; result: CatalogResult }[] = [];
  const unreadable: string[] = [];
  const bundleImages: { name: string; image: string; ordinal: number }[] = [];

  for await (const member of readTarMembers(
    source,
    (name) => catalogMember.test(name),
    maxTextBytes,
  )) {
    if (member.data !== undefined) {
      try {
        catalogs.push({
          name: member.name,
          result: await runCooperatively(jsonCatalogSteps(decodeCatalogText(member.data))),
        });
      } catch (error) {
        if (!(error instanceof NotACatalogError)) throw error;
        unreadable.push(`${member.name}: ${error.message}`);
      }
      continue;
    }
    const match = bundleImageMember.exec(member.name);
    if (match !== null) {
      const [, dir, name, tag] = match;
      const image = `${dir ? `${dir}/` : ""}${name}:${tag}`;
      bundleImages.push({ name: member.name, image, ordinal: member.ordinal });
    }
  }

  const best = catalogs
    .slice()
    .sort(
      (a, b) => b.result.images.length - a.result.images.length || rank(a.name) - rank(b.name),
    )[0];
  if (best !== undefined) return { ...best.result, format: "bundle-archive" };

  if (bundleImages.length > 0) {
    const builder = new CatalogBuilder();
    for (const file of bundleImages) {
      // No text lines in an archive of image files: `line` is the member's position in the archive.
      builder.skip(
        file.name,
        file.ordinal,
        `bundle file ${file.name} (${file.image}) has no registry host; it is pushed as <registry>/<prefix>/${file.image}, and its upstream registry cannot be told from the bundle`,
      );
    }
    return builder.finish("bundle-archive");
  }
  const why = unreadable.length > 0 ? ` (${unreadable.join("; ")})` : "";
  throw new NotACatalogError(
    `a tar archive without index.json, manifest.json or <name>_<tag>.tar image files${why}`,
  );
}

function rank(memberName: string): number {
  return memberName.endsWith("index.json") ? 0 : 1;
}
