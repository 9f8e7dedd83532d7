import { setTimeout as sleep } from "node:timers/promises";
import type { ByteSource } from "@/lib/catalog/byte-source";
import { readTarEntries } from "@/lib/catalog/tar";
import { mapLimit } from "@/lib/util/map-limit";
import { type BlobOutcome, BlobStore, type BlobTracker } from "./blob-store";
import {
  type BundleFile,
  type BundleInput,
  fileBody,
  layoutBlobPath,
  loadLayoutDir,
  openBundleInput,
  openTarFile,
  readIndexJsonOrThrow,
  readLayoutFile,
  streamBody,
} from "./bundle-source";
import type { Body } from "./client";
import { type DockerArchiveImage, dockerArchiveImages } from "./docker-archive";
import { asRegistryError, bundleError, wholeBundleError } from "./errors";
import {
  archiveImage,
  checkLayoutFile,
  type ImagePlan,
  layoutImages,
  planImage,
  readIndexJson,
} from "./layout";
import type { Descriptor } from "./media-types";
import { isLayoutMember, OciLayoutCollector, readOciArchive } from "./oci-archive";
import type { ArtifactResult, ArtifactStatus, PushOptions, PushSummary } from "./push-events";
import { bundleEntryTarget, formatReference, type TargetReference } from "./reference";

/**
 * The push engine: every artifact of a bundle into `<prefix>/<bundle path>:<tag>`, blobs before
 * manifests, the tag last (nothing half-pushed is tagged). A failed artifact never stops the
 * others; a second push skips whatever is there (resume). Without a client it is a dry run:
 * every target reference is listed and every archive checked, nothing is sent.
 */

const EVENT_INTERVAL_MS = 250;
/** readings of the bundle for artifacts that failed transiently: the first and two retries */
const MAX_PASSES = 3;
const PASS_PAUSE_MS = 500;

/** Plan (no client) or push the bundle at `path`. Rejects only for the whole bundle (unreadable, cancelled). */
export async function pushBundle(path: string, options: PushOptions): Promise<PushSummary> {
  const input = await openBundleInput(path);
  const run = new PushRun(options, totalBytesOf(input));
  try {
    await run.pushInput(input);
  } finally {
    await run.settle();
  }
  return run.summary();
}

function totalBytesOf(input: BundleInput): number {
  if (input.kind === "archive") return input.file.size;
  if (input.kind === "archive-dir") return input.files.reduce((sum, f) => sum + f.size, 0);
  return 0;
}

/** One artifact's counters and its throttled "uploading" events. */
class ArtifactTrack implements BlobTracker {
  uploadedBytes = 0;
  private done = 0;
  private lastEvent = 0;

  constructor(
    private readonly run: PushRun,
    readonly artifact: string,
    readonly reference: string,
    public total: number,
  ) {}

  uploaded(bytes: number): void {
    this.uploadedBytes += bytes;
    this.done += bytes;
    this.run.uploadedBytes += bytes;
    this.tick();
  }

  settled(size: number): void {
    this.done += size;
    this.run.skippedBytes += size;
    this.tick();
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.lastEvent < EVENT_INTERVAL_MS) return;
    this.lastEvent = now;
    this.run.emitArtifact(this, {
      state: "uploading",
      bytes: this.done,
      total: Math.max(this.total, this.done),
    });
    this.run.progress();
  }
}

class PushRun {
  readonly results: ArtifactResult[] = [];
  readBytes = 0;
  uploadedBytes = 0;
  skippedBytes = 0;
  private readonly blobs: BlobStore | undefined;
  private readonly concurrency: number;
  private readonly pending = new Set<Promise<void>>();
  private lastProgress = 0;

  constructor(
    private readonly options: PushOptions,
    private totalBytes: number,
  ) {
    this.blobs = options.client ? new BlobStore(options.client, options.signal) : undefined;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  }

  async pushInput(input: BundleInput): Promise<void> {
    if (input.kind === "layout-dir") return this.pushLayoutDir(input.dir);
    if (input.kind === "archive-dir") {
      const { files } = input;
      await this.inPasses(async (only) => {
        const wanted = only ? files.filter((f) => only.has(f.relative)) : files;
        if (only) this.totalBytes += totalBytesOf({ kind: "archive-dir", files: wanted });
        await mapLimit(wanted, this.concurrency, (file) => this.pushArchiveFile(file));
      });
      return;
    }
    const { file } = input;
    await this.inPasses((only) => {
      if (only) this.totalBytes += file.size; // a retry reads the bundle again: progress stays ≤ 100 %
      return this.pushBundleArchive(file, only);
    });
  }

  /**
   * Runs `pass` again for the artifacts that failed transiently (a streamed blob cannot be sent
   * twice, so its artifact is read again), up to MAX_PASSES, with a growing pause between.
   */
  private async inPasses(pass: (only: Set<string> | undefined) => Promise<void>): Promise<void> {
    await pass(undefined);
    for (let attempt = 2; attempt <= MAX_PASSES; attempt++) {
      await this.settle();
      const retry = new Set(
        this.results
          .filter((r) => r.state === "failed" && r.error?.transient)
          .map((r) => r.artifact),
      );
      if (retry.size === 0) return;
      this.results.splice(
        0,
        this.results.length,
        ...this.results.filter((r) => !retry.has(r.artifact)),
      );
      await sleep(PASS_PAUSE_MS * 2 ** (attempt - 2), undefined, { signal: this.options.signal });
      await pass(retry);
    }
  }

  /**
   * A .tar/.tar.gz: k0rdent bundle files streamed one by one, or a single OCI layout. `only`:
   * a retry pass, for these bundle files alone.
   */
  private async pushBundleArchive(file: BundleFile, only?: Set<string>): Promise<void> {
    const source = await this.open(file);
    const layout = new OciLayoutCollector(file.relative);
    let archives = 0;
    try {
      for await (const entry of readTarEntries(source, 16 * 1024 * 1024)) {
        this.options.signal?.throwIfAborted();
        if (only) {
          if (only.has(entry.name)) await this.pushArchive(entry.name, entry.body, entry.size);
        } else if (isLayoutMember(entry.name)) {
          await layout.add(entry, async () => undefined); // large blobs: second pass
        } else if (entry.name.endsWith(".tar")) {
          archives++;
          await this.pushArchive(entry.name, entry.body, entry.size);
        }
      }
    } catch (error) {
      throw wholeBundleError(error, file.relative);
    } finally {
      await source.cancel();
    }
    if (only) return;
    if (layout.index !== undefined) {
      const { held, sizes } = layout;
      const plans = this.layoutPlans(
        file.relative,
        this.indexEntries(file.relative, layout.index),
        held,
        sizes,
      );
      await this.pushLayoutArchive(file, plans, held, blobDigestOfMember);
    } else if (layout.dockerManifest !== undefined) {
      await this.pushDockerArchive(file, layout, layout.dockerManifest);
    } else if (archives === 0) {
      throw bundleError(
        `${file.relative}: not a bundle (no <path>/<name>_<tag>.tar files, and no OCI layout: index.json)`,
      );
    }
  }

  /** One file of a bundle directory: an oci-archive named <name>_<tag>.tar. */
  private async pushArchiveFile(file: BundleFile): Promise<void> {
    let source: ByteSource;
    try {
      source = await this.open(file);
    } catch (error) {
      this.fail(file.relative, undefined, error);
      return;
    }
    try {
      await this.pushArchive(file.relative, source, file.size);
    } finally {
      await source.cancel();
    }
  }

  /** A k0rdent bundle file: large blobs streamed to the repository as they come, then the image. */
  private async pushArchive(name: string, body: ByteSource, size: number): Promise<void> {
    const target = bundleEntryTarget(name, this.options.prefix);
    if (typeof target === "string") {
      this.fail(name, undefined, bundleError(target, name));
      return;
    }
    const reference = formatReference(target);
    const track = new ArtifactTrack(this, name, reference, size);
    this.emitArtifact(track, { state: "queued" });
    try {
      const archive = await readOciArchive(body, name, async (digest, blobSize, blobBody) => {
        await this.blobs?.ensure(
          target.repository,
          digest,
          blobSize,
          streamBody(blobBody, blobSize),
          track,
        );
      });
      const top = archiveImage(readIndexJson(archive.indexOrThrow()), target.tag);
      const plan = planImage(
        target,
        top,
        (d) => archive.held.get(d),
        (d) => archive.sizes.has(d),
      );
      track.total = plan.totalBytes;
      await this.schedule(() =>
        this.pushImage(plan, track, (d) => archive.held.get(d)).catch((error) =>
          this.fail(name, reference, error),
        ),
      );
    } catch (error) {
      this.fail(name, reference, error);
    }
  }

  /** A single OCI layout in an archive: index.json read in the first pass, large blobs in a second. */
  private async pushLayoutArchive(
    file: BundleFile,
    images: TrackedPlan[],
    held: ReadonlyMap<string, Uint8Array>,
    digestOfMember: (name: string) => string | undefined,
  ): Promise<void> {
    const wanted = new Map<string, TargetReference[]>();
    for (const { plan } of images) {
      for (const blob of plan.blobs) {
        if (held.has(blob.digest)) continue;
        wanted.set(blob.digest, [...(wanted.get(blob.digest) ?? []), plan.target]);
      }
    }
    if (this.blobs && wanted.size > 0) {
      const tracks = new Map(
        images.map(({ plan, track }) => [formatReference(plan.target), track]),
      );
      const source = await this.open(file);
      try {
        for await (const entry of readTarEntries(source, 16 * 1024 * 1024)) {
          const digest = digestOfMember(entry.name) ?? "";
          const targets = wanted.get(digest) ?? [];
          for (const [index, target] of targets.entries()) {
            const track = tracks.get(formatReference(target)) as ArtifactTrack;
            const body = index === 0 ? streamBody(entry.body, entry.size) : undefined;
            await this.blobs
              .ensure(target.repository, digest, entry.size, body, track)
              .catch((error) => {
                this.fail(track.artifact, track.reference, error);
              });
          }
        }
      } catch (error) {
        throw wholeBundleError(error, file.relative);
      } finally {
        await source.cancel();
      }
    }
    await mapLimit(images, this.concurrency, async ({ plan, track }) => {
      if (this.failed(track.artifact)) return;
      await this.pushImage(plan, track, (d) => held.get(d)).catch((error) =>
        this.fail(track.artifact, track.reference, error),
      );
    });
  }

  /** An OCI layout directory: every blob is a file, so every upload can be retried. */
  private async pushLayoutDir(dir: string): Promise<void> {
    const name = dir.split("/").pop() ?? dir;
    const layoutFile = await readLayoutFile(dir, "oci-layout", 64 * 1024);
    const index = await readLayoutFile(dir, "index.json", 16 * 1024 * 1024);
    if (!layoutFile || !index)
      throw bundleError(`${name}: not an OCI layout (oci-layout, index.json)`);
    try {
      checkLayoutFile(layoutFile);
    } catch (error) {
      throw bundleError((error as Error).message, name);
    }
    const { manifests, sizes } = await loadLayoutDir(dir, readIndexJsonOrThrow(index, name));
    const images = this.layoutPlans(name, this.indexEntries(name, index), manifests, sizes);
    await mapLimit(images, this.concurrency, ({ plan, track }) =>
      this.pushImage(plan, track, (d) => fileBody(layoutBlobPath(dir, d), sizes.get(d) ?? 0)).catch(
        (error) => this.fail(track.artifact, track.reference, error),
      ),
    );
  }

  /** The index.json images of a standalone OCI layout, each with where it lands. */
  private indexEntries(name: string, index: Uint8Array) {
    try {
      return layoutImages(readIndexJson(index), this.options.prefix);
    } catch (error) {
      throw bundleError((error as Error).message, name);
    }
  }

  /** A plan per image (queued), or its failure named. */
  private layoutPlans(
    name: string,
    entries: { descriptor: Descriptor; target: TargetReference }[],
    manifests: ReadonlyMap<string, Uint8Array>,
    sizes: ReadonlyMap<string, number>,
  ): TrackedPlan[] {
    const images: TrackedPlan[] = [];
    for (const { descriptor, target } of entries) {
      const reference = formatReference(target);
      const artifact = `${name}:${reference}`;
      try {
        const plan = planImage(
          target,
          descriptor,
          (d) => manifests.get(d),
          (d) => sizes.has(d),
        );
        const track = new ArtifactTrack(this, artifact, reference, plan.totalBytes);
        this.emitArtifact(track, { state: "queued" });
        images.push({ plan, track });
      } catch (error) {
        this.fail(artifact, reference, error);
      }
    }
    return images;
  }

  /** docker save < 25: Docker v2 manifests built from manifest.json, then pushed like a layout. */
  private async pushDockerArchive(file: BundleFile, layout: OciLayoutCollector, json: Uint8Array) {
    let images: DockerArchiveImage[];
    try {
      images = dockerArchiveImages(
        json,
        layout.dockerConfigs,
        layout.fileSizes,
        this.options.prefix,
      );
    } catch (error) {
      throw bundleError((error as Error).message, file.relative);
    }
    const held = new Map<string, Uint8Array>();
    const manifests = new Map<string, Uint8Array>();
    const sizes = new Map<string, number>();
    const memberDigests = new Map<string, string>();
    for (const image of images) {
      held.set(image.config.digest, image.config.bytes);
      sizes.set(image.config.digest, image.config.bytes.length);
      manifests.set(image.descriptor.digest, image.manifest);
      for (const layer of image.layers) {
        sizes.set(layer.digest, layer.size);
        memberDigests.set(layer.path, layer.digest);
      }
    }
    const plans = this.layoutPlans(file.relative, images, manifests, sizes);
    await this.pushLayoutArchive(file, plans, held, (name) => memberDigests.get(name));
  }

  /**
   * The image stage: blobs at hand (held or files), child manifests by digest, then the tag —
   * skipped when the tag already names this digest and nothing had to be uploaded.
   */
  private async pushImage(
    plan: ImagePlan,
    track: ArtifactTrack,
    bodyOf: (digest: string) => Body | undefined,
  ): Promise<void> {
    const { client, signal } = this.options;
    const top = plan.manifests[plan.manifests.length - 1];
    if (top === undefined) throw new Error("an image without a manifest");
    const { repository, tag } = plan.target;
    if (!client || !this.blobs) {
      this.finish(track, {
        state: "planned",
        digest: plan.top.digest,
        mediaType: top.parsed.mediaType,
        platforms: plan.platforms,
        size: plan.totalBytes,
      });
      return;
    }
    const blobs = this.blobs;
    const atHand = plan.blobs.filter((b) => bodyOf(b.digest) !== undefined);
    await mapLimit(
      atHand,
      this.concurrency,
      (blob: Descriptor): Promise<BlobOutcome> =>
        blobs.ensure(repository, blob.digest, blob.size, bodyOf(blob.digest), track),
    );
    const existing = await client.headManifest(repository, tag, signal);
    if (existing?.digest === plan.top.digest && track.uploadedBytes === 0) {
      this.finish(track, { state: "skipped", digest: plan.top.digest });
      return;
    }
    for (const manifest of plan.manifests.slice(0, -1)) {
      const { descriptor, parsed, bytes } = manifest;
      await client.putManifest(repository, descriptor.digest, parsed.mediaType, bytes, signal);
    }
    await client.putManifest(repository, tag, top.parsed.mediaType, top.bytes, signal);
    this.finish(track, {
      state: "done",
      digest: plan.top.digest,
      uploadedBytes: track.uploadedBytes,
    });
  }

  /** Runs `work` beside the reading, at most `concurrency` at once (the bundle stream goes on). */
  private async schedule(work: () => Promise<void>): Promise<void> {
    while (this.pending.size >= this.concurrency) await Promise.race(this.pending);
    const track = work()
      .catch(() => undefined) // work reports its own failure; a cancel surfaces in the reading loop
      .finally(() => this.pending.delete(track));
    this.pending.add(track);
  }

  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.race(this.pending);
    this.progress(true);
  }

  private open(file: BundleFile): Promise<ByteSource> {
    return openTarFile(file, {
      signal: this.options.signal,
      onRead: (bytes) => {
        this.readBytes += bytes;
        this.progress();
      },
    });
  }

  emitArtifact(track: ArtifactTrack, status: ArtifactStatus) {
    this.options.onEvent?.({
      type: "artifact",
      artifact: track.artifact,
      reference: track.reference,
      ...status,
    });
  }

  progress(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastProgress < EVENT_INTERVAL_MS) return;
    this.lastProgress = now;
    this.options.onEvent?.({
      type: "progress",
      readBytes: this.readBytes,
      totalBytes: Math.max(this.totalBytes, this.readBytes),
      uploadedBytes: this.uploadedBytes,
      skippedBytes: this.skippedBytes,
    });
  }

  private finish(
    track: ArtifactTrack,
    outcome:
      | { state: "skipped"; digest: string }
      | { state: "done"; digest: string; uploadedBytes: number }
      | { state: "planned"; digest: string; mediaType: string; platforms: string[]; size: number },
  ): void {
    this.results.push({
      artifact: track.artifact,
      reference: track.reference,
      uploadedBytes: track.uploadedBytes,
      ...outcome,
    });
    this.emitArtifact(track, outcome);
  }

  private fail(artifact: string, reference: string | undefined, error: unknown): void {
    if (this.options.signal?.aborted) throw this.options.signal.reason;
    if (this.failed(artifact)) return;
    const named = asRegistryError(error, artifact);
    this.results.push({ artifact, reference, state: "failed", uploadedBytes: 0, error: named });
    this.options.onEvent?.({
      type: "artifact",
      artifact,
      reference,
      state: "failed",
      error: named,
    });
  }

  private failed(artifact: string): boolean {
    return this.results.some((r) => r.artifact === artifact && r.state === "failed");
  }

  summary(): PushSummary {
    return {
      artifacts: this.results,
      readBytes: this.readBytes,
      totalBytes: Math.max(this.totalBytes, this.readBytes),
      uploadedBytes: this.uploadedBytes,
      skippedBytes: this.skippedBytes,
      failed: this.results.filter((r) => r.state === "failed").length,
    };
  }
}

interface TrackedPlan {
  plan: ImagePlan;
  track: ArtifactTrack;
}

/** `blobs/sha256/<hex>` → its digest */
function blobDigestOfMember(name: string): string | undefined {
  return name.startsWith("blobs/sha256/") ? `sha256:${name.slice(13)}` : undefined;
}
