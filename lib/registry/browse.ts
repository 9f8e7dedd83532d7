/**
 * "See the registry": a page of its repositories or of a repository's tags, and one reference
 * described — digest, media type, platforms, total size, and the fleet's requests that land on
 * it. Pages are capped and every call has a deadline.
 */
import { isValidTag } from "@/lib/catalog/reference";
import { renderFleet, SAMPLE_NODE } from "@/lib/fleet/render-fleet";
import type { Database } from "@/lib/inventory/db";
import type { SecretKey } from "@/lib/inventory/secrets";
import { getFleetSettings } from "@/lib/inventory/settings";
import { RegistryClient } from "./client";
import { RegistryError } from "./errors";
import { type Descriptor, isIndexMediaType, isSha256Digest, parseManifest } from "./media-types";
import { reachRegistry } from "./reach";
import { isValidRepository } from "./reference";
import { type RequestToReference, requestsTo } from "./requests-to";

export const MAX_PAGE = 200;
/** an index's platforms whose manifests are read for the total size */
const MAX_PLATFORMS = 32;
const CALL_TIMEOUT_MS = 20_000;

type Inventory = { db: Database; key: SecretKey };

export interface ListingPage {
  items: string[];
  /** pass as `last` for the following page; null on the last one */
  next: string | null;
}

export interface ReferenceDetails {
  repository: string;
  tag: string | null;
  digest: string;
  mediaType: string;
  artifactType: string | null;
  /** the manifest plus every blob it (or each of its platforms) refers to, in bytes */
  totalSize: number;
  platforms: { platform: string; digest: string; size: number }[];
  /** the fleet's image requests that land on this reference (the mirror's hosts.toml decides) */
  requests: RequestToReference[];
}

/** With a client on the registry of the settings (tunnelled when `via` is set), closed after. */
async function withRegistry<T>(
  inventory: Inventory,
  use: (client: RegistryClient, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const reach = await reachRegistry(inventory);
  const client = new RegistryClient({ ...reach.connection, attempts: 2, idleTimeoutMs: 10_000 });
  try {
    return await use(client, AbortSignal.timeout(CALL_TIMEOUT_MS));
  } finally {
    client.close();
    reach.close();
  }
}

export function pageSize(n: string | null): number {
  const value = Number(n ?? 100);
  return Number.isInteger(value) && value > 0 ? Math.min(value, MAX_PAGE) : 100;
}

export async function listRepositories(inventory: Inventory, n: number, last?: string) {
  return withRegistry(inventory, async (client, signal) =>
    listing(await client.catalogPage(n, last, signal), n, last),
  );
}

export async function listTags(inventory: Inventory, repository: string, n: number, last?: string) {
  checkRepository(repository);
  return withRegistry(inventory, async (client, signal) =>
    listing(await client.tagsPage(repository, n, last, signal), n, last),
  );
}

/** `repo:tag` or `repo@sha256:…`, described. */
export async function describeReference(inventory: Inventory, reference: string) {
  const { repository, tag, digest } = splitReference(reference);
  checkRepository(repository);
  if (digest !== null ? !isSha256Digest(digest) : !isValidTag(tag ?? "")) {
    throw new RegistryError(
      "bad_request:registry",
      `"${reference.slice(0, 200)}" is not a reference (repository:tag or repository@sha256:…)`,
    );
  }
  return withRegistry(inventory, async (client, signal): Promise<ReferenceDetails> => {
    const manifest = await client.getManifest(repository, digest ?? tag ?? "latest", signal);
    const parsed = parsed_(manifest.bytes, manifest.mediaType, reference);
    const platforms = isIndexMediaType(parsed.mediaType)
      ? await platformSizes(client, repository, parsed.manifests, signal)
      : [];
    const blobs = parsed.blobs.reduce((sum, blob) => sum + blob.size, 0);
    const settings = getFleetSettings(inventory);
    const files = renderFleet(settings, [SAMPLE_NODE]).nodes[0]?.files ?? [];
    return {
      repository,
      tag,
      digest: manifest.digest,
      mediaType: parsed.mediaType,
      artifactType: artifactTypeOf(manifest.bytes),
      totalSize: manifest.bytes.length + blobs + platforms.reduce((sum, p) => sum + p.size, 0),
      platforms,
      requests: requestsTo(
        { repository, tag, digest: manifest.digest },
        settings.catalog?.images ?? [],
        files,
      ),
    };
  });
}

async function platformSizes(
  client: RegistryClient,
  repository: string,
  manifests: Descriptor[],
  signal: AbortSignal,
) {
  const platforms = [];
  for (const child of manifests.slice(0, MAX_PLATFORMS)) {
    const got = await client.getManifest(repository, child.digest, signal);
    const blobs = parsed_(got.bytes, child.mediaType, child.digest).blobs;
    platforms.push({
      platform: platformWords(child.platform),
      digest: child.digest,
      size: child.size + blobs.reduce((sum, blob) => sum + blob.size, 0),
    });
  }
  return platforms;
}

function parsed_(bytes: Uint8Array, mediaType: string, what: string) {
  try {
    return parseManifest(bytes, mediaType);
  } catch (error) {
    throw new RegistryError(
      "upstream:registry",
      `the manifest of ${what} ${(error as Error).message}`,
    );
  }
}

function platformWords(platform: Descriptor["platform"]): string {
  if (!platform) return "unknown";
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

function artifactTypeOf(bytes: Uint8Array): string | null {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as {
      artifactType?: unknown;
      config?: { mediaType?: unknown };
    };
    if (typeof doc.artifactType === "string") return doc.artifactType;
    const config = doc.config?.mediaType;
    return typeof config === "string" && !/image\.config|container\.image/.test(config)
      ? config
      : null;
  } catch {
    return null;
  }
}

/**
 * A page in name order after `last`, at most `n`. A registry that ignores `n` and `last` (tags in
 * distribution 2.x answer every tag at once) is paged here.
 */
function listing(
  page: { items: string[]; next: string | undefined },
  n: number,
  last: string | undefined,
): ListingPage {
  const after = page.items.filter((item) => last === undefined || item > last).sort();
  const items = after.slice(0, n);
  const more = after.length > n || page.next !== undefined;
  return { items, next: more ? (items.at(-1) ?? null) : null };
}

/** `repo:tag`, `repo@sha256:…` or `repo` (= latest) → its parts. */
export function splitReference(reference: string): {
  repository: string;
  tag: string | null;
  digest: string | null;
} {
  const at = reference.indexOf("@");
  if (at !== -1) {
    return { repository: reference.slice(0, at), tag: null, digest: reference.slice(at + 1) };
  }
  const colon = reference.lastIndexOf(":");
  if (colon > reference.lastIndexOf("/")) {
    return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1), digest: null };
  }
  return { repository: reference, tag: "latest", digest: null };
}

function checkRepository(repository: string): void {
  if (!isValidRepository(repository)) {
    throw new RegistryError(
      "bad_request:registry",
      `"${repository.slice(0, 100)}" is not a repository name (lowercase letters, digits, . _ - separated by /)`,
    );
  }
}
