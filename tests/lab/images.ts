import { buildTinyImage, type TinyImage } from "./oci-image";
import { type RegistryEndpoint, registryExpect, registryRequest } from "./registry-client";

export const COMMON_PREFIX = "k0rdent-enterprise";

/**
 * What the lab registry holds, as repository:tag: every image under its upstream path (layout
 * "flat"), plus the three pulled images under `<registry>/` ("per-registry") and `k0rdent-enterprise/`.
 */
export const LAB_SEED = [
  "pause:3.9",
  "calico/node:v3.29.4",
  "library/busybox:1.36",
  "k0sproject/coredns:1.12.2",
  "registry.k8s.io/pause:3.9",
  "quay.io/calico/node:v3.29.4",
  "docker.io/library/busybox:1.36",
  `${COMMON_PREFIX}/pause:3.9`,
  `${COMMON_PREFIX}/calico/node:v3.29.4`,
  `${COMMON_PREFIX}/library/busybox:1.36`,
];

/** Split "repo/path:tag" (no digest references needed here). */
export function splitRepoTag(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(":");
  if (colon <= ref.lastIndexOf("/")) throw new Error(`"${ref}" has no tag`);
  return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/** Upload a blob unless the repository already has it: POST an upload, then PUT ?digest= (monolithic). */
async function pushBlob(endpoint: RegistryEndpoint, repo: string, digest: string, data: Buffer) {
  const head = await registryRequest(endpoint, "HEAD", `/v2/${repo}/blobs/${digest}`);
  if (head.status === 200) return;
  const started = await registryExpect(endpoint, [202], "POST", `/v2/${repo}/blobs/uploads/`);
  const location = started.headers.location;
  if (typeof location !== "string") throw new Error(`POST upload for ${repo}: no Location header`);
  const url = new URL(location, "http://registry.invalid");
  url.searchParams.set("digest", digest);
  await registryExpect(endpoint, [201], "PUT", `${url.pathname}${url.search}`, {
    headers: { "content-type": "application/octet-stream" },
    body: data,
  });
}

/** Push `image` as repo:tag over the registry's HTTP API. */
export async function pushImage(
  endpoint: RegistryEndpoint,
  ref: string,
  image: TinyImage,
): Promise<void> {
  const { repo, tag } = splitRepoTag(ref);
  await pushBlob(endpoint, repo, image.layerDigest, image.layer);
  await pushBlob(endpoint, repo, image.configDigest, image.config);
  await registryExpect(endpoint, [201], "PUT", `/v2/${repo}/manifests/${tag}`, {
    headers: { "content-type": image.manifestMediaType },
    body: image.manifest,
  });
}

/** Build a distinct tiny image for every ref and push it; returns them by ref. */
export async function seedImages(
  endpoint: RegistryEndpoint,
  refs: readonly string[] = LAB_SEED,
): Promise<Map<string, TinyImage>> {
  const seeded = new Map<string, TinyImage>();
  for (const ref of refs) {
    const image = buildTinyImage(ref);
    await pushImage(endpoint, ref, image);
    seeded.set(ref, image);
  }
  return seeded;
}
