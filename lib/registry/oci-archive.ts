import type { ByteSource } from "@/lib/catalog/byte-source";
import { readTarEntries, type TarEntry } from "@/lib/catalog/tar";
import { bundleError } from "./errors";
import { checkLayoutFile } from "./layout";

/**
 * An OCI image layout read from tar entries as they stream (skopeo's oci-archive, `docker save`
 * ≥ 25, `k0s airgap bundle-artifacts`). Small blobs (manifests, configs, tiny layers) are kept
 * for later; large ones go to `onLargeBlob` at once, since index.json may come last.
 */

/** Blobs up to this size are kept in memory (replayable; manifests are among them). */
export const HOLD_BYTES = 1024 * 1024;
/** JSON blobs up to this size are kept too: a manifest can be that large (distribution's limit). */
export const HOLD_JSON_BYTES = 4 * 1024 * 1024;
/** Most bytes kept for one layout: beyond, it is refused rather than held in memory. */
export const MAX_HELD_BYTES = 128 * 1024 * 1024;
/** index.json, oci-layout, manifest.json */
const MAX_LAYOUT_FILE_BYTES = 16 * 1024 * 1024;

const blobMember = /^blobs\/sha256\/([a-f0-9]{64})$/;
const layoutFiles = new Set(["oci-layout", "index.json", "manifest.json", "repositories"]);
/** docker save < 25: `<config>.json` at the top, `<id>/layer.tar` (+ json, VERSION) per layer */
const dockerConfigMember = /^[^/]+\.json$/;
const dockerLayerMember = /^[a-f0-9]{64}\/(?:layer\.tar|json|VERSION)$/;

/** True for the members an OCI layout (or docker save archive) is made of. */
export function isLayoutMember(name: string): boolean {
  return (
    layoutFiles.has(name) ||
    name.startsWith("blobs/") ||
    dockerConfigMember.test(name) ||
    dockerLayerMember.test(name)
  );
}

/** Streams a large blob somewhere (or leaves it unread: the reader skips it). */
export type LargeBlobHandler = (digest: string, size: number, body: ByteSource) => Promise<void>;

export class OciLayoutCollector {
  readonly held = new Map<string, Uint8Array>();
  /** every blob of the archive, by digest, with its size */
  readonly sizes = new Map<string, number>();
  index: Uint8Array | undefined;
  /** docker save's manifest.json */
  dockerManifest: Uint8Array | undefined;
  /** docker save < 25: its config files by path, and every file's size by path */
  readonly dockerConfigs = new Map<string, Uint8Array>();
  readonly fileSizes = new Map<string, number>();
  private heldBytes = 0;

  constructor(private readonly name: string) {}

  async add(entry: TarEntry, onLargeBlob: LargeBlobHandler): Promise<void> {
    const blob = blobMember.exec(entry.name);
    if (blob) {
      const digest = `sha256:${blob[1]}`;
      this.sizes.set(digest, entry.size);
      if (await this.worthHolding(entry)) {
        this.hold(entry.size);
        this.held.set(digest, await entry.body.read(entry.size));
      } else {
        await onLargeBlob(digest, entry.size, entry.body);
      }
      return;
    }
    this.fileSizes.set(entry.name, entry.size);
    if (!dockerConfigMember.test(entry.name) && entry.name !== "oci-layout") return;
    if (entry.size > MAX_LAYOUT_FILE_BYTES) {
      throw bundleError(`${entry.name} is larger than 16 MiB`, this.name);
    }
    const bytes = await entry.body.read(entry.size);
    if (entry.name === "index.json") this.index = bytes;
    else if (entry.name === "manifest.json") this.dockerManifest = bytes;
    else if (entry.name === "oci-layout") checkOrThrow(() => checkLayoutFile(bytes), this.name);
    else {
      this.hold(entry.size);
      this.dockerConfigs.set(entry.name, bytes);
    }
  }

  /** index.json, or the error that says why this archive cannot be pushed. */
  indexOrThrow(): Uint8Array {
    if (this.index) return this.index;
    throw bundleError("has no index.json: not an OCI archive", this.name);
  }

  private hold(bytes: number): void {
    this.heldBytes += bytes;
    if (this.heldBytes > MAX_HELD_BYTES) {
      throw bundleError(
        `holds more than ${MAX_HELD_BYTES / 1024 / 1024} MiB of manifests, configs and small blobs`,
        this.name,
      );
    }
  }

  private async worthHolding(entry: TarEntry): Promise<boolean> {
    if (entry.size <= HOLD_BYTES) return true;
    if (entry.size > HOLD_JSON_BYTES) return false;
    const head = await entry.body.peek(1);
    return head[0] === 0x7b; // "{"
  }
}

/** Reads a whole oci-archive (a tar of one OCI layout) from `source`. */
export async function readOciArchive(
  source: ByteSource,
  name: string,
  onLargeBlob: LargeBlobHandler,
): Promise<OciLayoutCollector> {
  const collector = new OciLayoutCollector(name);
  for await (const entry of readTarEntries(source, MAX_LAYOUT_FILE_BYTES)) {
    await collector.add(entry, onLargeBlob);
  }
  return collector;
}

function checkOrThrow(check: () => void, name: string): void {
  try {
    check();
  } catch (error) {
    throw bundleError((error as Error).message, name);
  }
}
