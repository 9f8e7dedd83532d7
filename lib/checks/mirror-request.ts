import { parse } from "smol-toml";
import { CERTS_DIR } from "@/lib/render/hosts-toml";
import type { RenderedFile } from "@/lib/render/types";

export interface ImageLocator {
  registry: string;
  repository: string;
  tag: string | null;
  digest: string | null;
}

export interface MirrorRequest {
  /** the manifest URL containerd asks the mirror for first */
  url: string;
  /** the certs.d directory whose hosts.toml decided it */
  hostsDir: string;
}

/** Media types containerd's resolver sends when it resolves a manifest. */
export const MANIFEST_ACCEPT = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "*/*",
].join(", ");

/**
 * The request containerd will make for `image` with these rendered files: the registry's hosts
 * dir (or `_default`), its first [host] entry, `/v2` unless override_path, and `?ns=`. Null when
 * no hosts.toml applies, i.e. containerd would go to the upstream registry.
 */
export function mirrorRequestFor(image: ImageLocator, files: RenderedFile[]): MirrorRequest | null {
  for (const dir of [image.registry, "_default"]) {
    const file = files.find((candidate) => candidate.path === `${CERTS_DIR}/${dir}/hosts.toml`);
    if (!file) continue;
    const hosts = (parse(file.content).host ?? {}) as Record<string, { override_path?: boolean }>;
    const [hostUrl, settings] = Object.entries(hosts)[0] ?? [];
    if (!hostUrl) continue;
    const root = settings?.override_path
      ? hostUrl.replace(/\/+$/, "")
      : `${hostUrl.replace(/\/+$/, "")}/v2`;
    const reference = image.digest ?? image.tag ?? "latest";
    return {
      url: `${root}/${image.repository}/manifests/${reference}?ns=${encodeURIComponent(image.registry)}`,
      hostsDir: dir,
    };
  }
  return null;
}
