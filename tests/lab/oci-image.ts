import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/** A tiny single-layer OCI image, built offline: every blob with its digest. */
export interface TinyImage {
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
  config: Buffer;
  /** the image ID that CRI reports as PullImageResponse.image_ref */
  configDigest: string;
  layer: Buffer;
  layerDigest: string;
}

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** containerd checks the config's os/architecture against the node's platform. */
export function goArch(): string {
  const map: Record<string, string> = {
    x64: "amd64",
    arm64: "arm64",
    arm: "arm",
    ppc64: "ppc64le",
    s390x: "s390x",
  };
  return map[process.arch] ?? process.arch;
}

/**
 * One layer holding `/k0lab-image.txt` with `label` in it, so images seeded under different
 * paths get different digests and a test can tell which path a pull really came from.
 */
export function buildTinyImage(
  label: string,
  options: { arch?: string; files?: { name: string; data: Buffer }[] } = {},
): TinyImage {
  const files = [
    { name: "k0lab-image.txt", data: Buffer.from(`k0lab test image: ${label}\n`) },
    ...(options.files ?? []),
  ];
  const tar = Buffer.concat([...files.map((f) => tarEntry(f.name, f.data)), TAR_END]);
  const layer = gzipSync(tar, { level: 1 });
  const layerDigest = sha256Digest(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.arch ?? goArch(),
      os: "linux",
      created: "2024-01-01T00:00:00Z",
      config: { Cmd: ["/k0lab-image.txt"], Labels: { "k0lab.image": label } },
      rootfs: { type: "layers", diff_ids: [sha256Digest(tar)] },
      history: [{ created: "2024-01-01T00:00:00Z", created_by: "k0lab buildTinyImage" }],
    }),
  );
  const configDigest = sha256Digest(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: layerDigest, size: layer.length }],
    }),
  );
  return {
    manifest,
    manifestDigest: sha256Digest(manifest),
    manifestMediaType: OCI_MANIFEST,
    config,
    configDigest,
    layer,
    layerDigest,
  };
}

/** A ustar archive with one regular file (512-byte header, padded data, two zero blocks). */
export function tarFile(name: string, data: Buffer): Buffer {
  return Buffer.concat([tarEntry(name, data), TAR_END]);
}

/** The two zero blocks that end a tar archive. */
export const TAR_END = Buffer.alloc(1024);

/** One regular file of a tar archive: header, data, padding to 512 bytes. */
export function tarEntry(name: string, data: Buffer): Buffer {
  return Buffer.concat([tarHeader(name, data.length), data, tarPadding(data.length)]);
}

export function tarPadding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** A ustar header for a regular file of `size` bytes (names up to 100 bytes). */
export function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, "ascii");
  const octal = (value: number, length: number) =>
    `${value.toString(8).padStart(length - 1, "0")}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(size, 12));
  field(136, 12, octal(Math.floor(Date.UTC(2024, 0, 1) / 1000), 12));
  field(148, 8, "        "); // checksum is computed with this field as spaces
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  field(265, 32, "root");
  field(297, 32, "root");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}
