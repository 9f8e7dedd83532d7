import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createGzip, gzipSync } from "node:zlib";
import {
  buildTinyImage,
  OCI_MANIFEST,
  sha256Digest,
  TAR_END,
  type TinyImage,
  tarEntry,
  tarHeader,
  tarPadding,
} from "./oci-image";

/**
 * Bundles in the k0rdent Enterprise layout, built offline: a tar(.gz) of `<path>/<name>_<tag>.tar`
 * oci-archives (skopeo's: oci-layout, blobs, index.json LAST, no ref.name), each with every blob
 * and the digest the registry must end up with.
 */

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
const HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
}

export interface BundleArtifact {
  /** path in the bundle: k8s/pause_3.9.tar */
  entry: string;
  /** repository below the prefix, and the tag */
  path: string;
  tag: string;
  /** the tagged manifest or index */
  top: Descriptor;
  /** every blob and manifest by digest */
  blobs: Map<string, Buffer>;
  /** child manifests (platforms) of an index */
  children: Descriptor[];
}

/** The artifact's blobs that are not manifests (configs and layers). */
export function layerAndConfigDigests(artifact: BundleArtifact): string[] {
  const manifests = new Set([artifact.top.digest, ...artifact.children.map((c) => c.digest)]);
  return [...artifact.blobs.keys()].filter((digest) => !manifests.has(digest));
}

const busybox = (() => {
  let bytes: Buffer | undefined;
  return () => {
    bytes ??= readFileSync("/bin/busybox");
    return bytes;
  };
})();

function imageBlobs(image: TinyImage): Map<string, Buffer> {
  return new Map([
    [image.layerDigest, image.layer],
    [image.configDigest, image.config],
    [image.manifestDigest, image.manifest],
  ]);
}

function manifestDescriptor(image: TinyImage): Descriptor {
  return { mediaType: OCI_MANIFEST, digest: image.manifestDigest, size: image.manifest.length };
}

/**
 * /bin/busybox plus 1 MiB of bytes derived from the label (incompressible, reproducible): the layer
 * passes the engine's 1 MiB hold limit, so it is streamed like a real layer.
 */
function layerFiles(label: string): { name: string; data: Buffer }[] {
  const seed = createHash("sha256").update(label).digest();
  const filler = Buffer.alloc(1024 * 1024);
  for (let offset = 0; offset < filler.length; offset += 32) {
    createHash("sha256").update(seed).update(String(offset)).digest().copy(filler, offset);
  }
  return [
    { name: "bin/busybox", data: busybox() },
    { name: "k0lab-filler.bin", data: filler },
  ];
}

/** A busybox-based single-platform image (its layer holds /bin/busybox: larger than 1 MiB unpacked). */
export function imageArtifact(entry: string, label = entry): BundleArtifact {
  const image = buildTinyImage(label, { files: layerFiles(label) });
  return {
    ...split(entry),
    top: manifestDescriptor(image),
    blobs: imageBlobs(image),
    children: [],
  };
}

/** A multi-platform index (one busybox-based image per architecture). */
export function indexArtifact(entry: string, archs: string[]): BundleArtifact {
  const blobs = new Map<string, Buffer>();
  const children = archs.map((arch) => {
    const image = buildTinyImage(`${entry} ${arch}`, {
      arch,
      files: layerFiles(`${entry} ${arch}`),
    });
    for (const [digest, bytes] of imageBlobs(image)) blobs.set(digest, bytes);
    return { ...manifestDescriptor(image), platform: { os: "linux", architecture: arch } };
  });
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: children }),
  );
  const top = { mediaType: OCI_INDEX, digest: sha256Digest(index), size: index.length };
  blobs.set(top.digest, index);
  return { ...split(entry), top, blobs, children };
}

/** A Helm chart as an OCI artifact: helm config + one chart layer (a .tgz with Chart.yaml). */
export function chartArtifact(entry: string): BundleArtifact {
  const { path, tag } = split(entry);
  const name = path.split("/").pop() ?? path;
  const chartYaml = `apiVersion: v2\nname: ${name}\nversion: ${tag}\n`;
  const layer = gzipSync(
    Buffer.concat([tarEntry(`${name}/Chart.yaml`, Buffer.from(chartYaml)), TAR_END]),
  );
  const config = Buffer.from(JSON.stringify({ name, version: tag, apiVersion: "v2" }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: HELM_CONFIG, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: HELM_CHART, digest: sha256Digest(layer), size: layer.length }],
    }),
  );
  const top = { mediaType: OCI_MANIFEST, digest: sha256Digest(manifest), size: manifest.length };
  const blobs = new Map([
    [sha256Digest(layer), layer],
    [sha256Digest(config), config],
    [top.digest, manifest],
  ]);
  return { path, tag, entry, top, blobs, children: [] };
}

/** An image whose one layer is `layerBytes` of random data (for the bench: incompressible, like real layers). */
export function randomImageArtifact(entry: string, layerBytes: number): BundleArtifact {
  const layer = randomBytes(layerBytes);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [] },
      entry,
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: sha256Digest(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          digest: sha256Digest(layer),
          size: layer.length,
        },
      ],
    }),
  );
  const top = { mediaType: OCI_MANIFEST, digest: sha256Digest(manifest), size: manifest.length };
  const blobs = new Map([
    [sha256Digest(layer), layer],
    [sha256Digest(config), config],
    [top.digest, manifest],
  ]);
  return { ...split(entry), top, blobs, children: [] };
}

function split(entry: string): { entry: string; path: string; tag: string } {
  const file = entry.slice(entry.lastIndexOf("/") + 1);
  const dir = entry.slice(0, entry.lastIndexOf("/") + 1);
  const cut = file.lastIndexOf("_");
  return {
    entry,
    path: `${dir}${file.slice(0, cut)}`,
    tag: file.slice(cut + 1).replace(/\.tar$/, ""),
  };
}

export interface ArchiveOptions {
  /** leave these blobs out (a manifest then names a blob the archive lacks) */
  omit?: string[];
  /** index.json first instead of last */
  indexFirst?: boolean;
  /** annotations of index.json's entry (e.g. io.containerd.image.name for a standalone layout) */
  annotations?: Record<string, string>;
}

/** The artifact as skopeo writes an oci-archive: oci-layout, blobs/sha256/…, index.json last. */
export function ociArchive(artifact: BundleArtifact, options: ArchiveOptions = {}): Buffer {
  return Buffer.concat([
    ...ociLayoutEntries([{ artifact, annotations: options.annotations }], options),
    TAR_END,
  ]);
}

/** One image of a standalone OCI layout, with its index.json annotations. */
export interface LayoutImage {
  artifact: BundleArtifact;
  annotations?: Record<string, string>;
}

/** The tar entries of an OCI layout holding `images` (one index.json entry each). */
export function ociLayoutEntries(images: LayoutImage[], options: ArchiveOptions = {}): Buffer[] {
  const index = tarEntry(
    "index.json",
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: images.map(({ artifact, annotations }) => ({ ...artifact.top, annotations })),
      }),
    ),
  );
  const blobs = new Map<string, Buffer>();
  for (const { artifact } of images) for (const [d, b] of artifact.blobs) blobs.set(d, b);
  const entries = [tarEntry("oci-layout", Buffer.from('{"imageLayoutVersion":"1.0.0"}'))];
  if (options.indexFirst) entries.push(index);
  for (const [digest, bytes] of blobs) {
    if (options.omit?.includes(digest)) continue;
    entries.push(tarEntry(`blobs/sha256/${digest.slice(7)}`, bytes));
  }
  if (!options.indexFirst) entries.push(index);
  return entries;
}

interface DockerSaveEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** What a legacy `docker save` archive must put in the registry: the config's and the layer's digests. */
export interface DockerSaveImage {
  repoTag: string;
  configDigest: string;
  layerDigest: string;
}

/**
 * A `docker save` archive as Docker < 25 writes it: `<id>/layer.tar` (uncompressed), `<config>.json`,
 * then manifest.json and repositories — no index.json, no blobs/.
 */
export function dockerSaveLegacy(repoTags: string[]): {
  entries: Buffer[];
  images: DockerSaveImage[];
  /** manifest.json's entries (its tar entry is the second last) */
  manifest: DockerSaveEntry[];
} {
  const entries: Buffer[] = [];
  const manifest: DockerSaveEntry[] = [];
  const images = repoTags.map((repoTag) => {
    const layer = Buffer.concat([
      ...layerFiles(repoTag).map((f) => tarEntry(f.name, f.data)),
      TAR_END,
    ]);
    const layerDigest = sha256Digest(layer);
    const layerId = createHash("sha256").update(`layer ${repoTag}`).digest("hex");
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: { Cmd: ["/bin/busybox", "true"] },
        rootfs: { type: "layers", diff_ids: [layerDigest] },
      }),
    );
    const configDigest = sha256Digest(config);
    entries.push(
      tarEntry(`${layerId}/layer.tar`, layer),
      tarEntry(`${layerId}/VERSION`, Buffer.from("1.0")),
    );
    entries.push(tarEntry(`${configDigest.slice(7)}.json`, config));
    manifest.push({
      Config: `${configDigest.slice(7)}.json`,
      RepoTags: [repoTag],
      Layers: [`${layerId}/layer.tar`],
    });
    return { repoTag, configDigest, layerDigest };
  });
  entries.push(tarEntry("manifest.json", Buffer.from(JSON.stringify(manifest))));
  entries.push(tarEntry("repositories", Buffer.from("{}")));
  return { entries, images, manifest };
}

/** Tar entries (as this file writes them) extracted into `root`: an OCI layout or bundle directory. */
export function extractEntries(root: string, entries: Buffer[]): void {
  for (const entry of entries) {
    const name = entry.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(entry.subarray(124, 135).toString("ascii"), 8);
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), entry.subarray(512, 512 + size));
  }
}

/** The small bundle the integration tests push: every shape the issue names. */
export function labBundle(): BundleArtifact[] {
  return [
    imageArtifact("k8s/pause_3.9.tar"),
    indexArtifact("k0sproject/coredns_1.12.2.tar", ["amd64", "arm64"]),
    chartArtifact("charts/k0rdent-enterprise_1.1.0.tar"),
    imageArtifact("jetstack/cert_manager_controller_v1.16.2.tar"),
    imageArtifact("kube-rbac-proxy_v0.18.0.tar"),
  ];
}

/**
 * Writes a bundle file: a tar (gzip-compressed when the name ends in .gz) of `entries`, streamed
 * so a bundle of many GB never sits in memory (entries can be produced one by one).
 */
export async function writeBundle(
  path: string,
  entries: Iterable<{ name: string; data: Buffer }> | AsyncIterable<{ name: string; data: Buffer }>,
): Promise<void> {
  const file = createWriteStream(path);
  const gzip = path.endsWith(".gz") ? createGzip({ level: 1 }) : undefined;
  gzip?.pipe(file);
  const out = gzip ?? file;
  const write = async (chunk: Buffer) => {
    if (!out.write(chunk)) await once(out, "drain");
  };
  for await (const { name, data } of entries) {
    await write(tarHeader(name, data.length));
    await write(data);
    await write(tarPadding(data.length));
  }
  await write(TAR_END);
  out.end();
  await once(file, "close");
}

/** Bundle entries for artifacts (each an oci-archive), with per-entry archive options. */
export function bundleEntries(
  artifacts: BundleArtifact[],
  options: (artifact: BundleArtifact) => ArchiveOptions = () => ({}),
): { name: string; data: Buffer }[] {
  return artifacts.map((artifact) => ({
    name: artifact.entry,
    data: ociArchive(artifact, options(artifact)),
  }));
}
