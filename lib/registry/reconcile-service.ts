/**
 * Reconcile against the registry: each reference a node will pull, asked for at the path its
 * hosts.toml request names (HEAD with the manifest media types containerd accepts; an index's
 * platforms read for the fleet's architectures), and for a missing one the registry's repositories
 * of the same name holding the same tag or digest. The fix copies a candidate's manifest to the
 * requested path inside the registry: every blob mounted, child manifests put by digest, then the
 * manifest under the requested tag. Nothing is uploaded. Server-only (holds secrets).
 */

import { listBinaries } from "@/lib/binaries/store";
import { renderFleet, SAMPLE_NODE } from "@/lib/fleet/render-fleet";
import { latestCheckResults } from "@/lib/inventory/checks-store";
import type { Database } from "@/lib/inventory/db";
import type { SecretKey } from "@/lib/inventory/secrets";
import { getFleetSettings } from "@/lib/inventory/settings";
import { fleetArches } from "@/lib/runs/binary-choice";
import { mapLimit } from "@/lib/util/map-limit";
import { RegistryClient } from "./client";
import { RegistryError } from "./errors";
import { isIndexMediaType, parseManifest } from "./media-types";
import { reachRegistry } from "./reach";
import {
  candidateRepositories,
  fleetReferences,
  manifestState,
  type PlannedRequest,
  plannedRequests,
  type ReferenceState,
} from "./reconcile";

type Inventory = { db: Database; key: SecretKey };

/** At most this many references are checked (a catalog may hold 100k images). */
export const MAX_CHECKED = 5000;
/** Repositories read from `_catalog` to find candidates in. */
const MAX_REPOSITORIES = 20_000;
const CONCURRENCY = 8;
const REPORT_TIMEOUT_MS = 120_000;
const FIX_TIMEOUT_MS = 300_000;

export interface Candidate {
  repository: string;
  digest: string;
}

export interface ReconcileRow extends PlannedRequest {
  state: ReferenceState;
  /** the digest found at the requested path (present or wrong platform) */
  digest: string | null;
  /** the fleet's architectures an index found there lacks */
  lacking: string[];
  /** where the same tag or digest sits in the registry (missing rows only) */
  candidates: Candidate[];
}

export interface ReconcileReport {
  registry: string;
  k0sVersion: string;
  /** false: the k0s version is not in the built-in table; only the catalog was checked */
  k0sKnown: boolean;
  architectures: string[];
  /** missing first, then wrong platform, then present; each group in list order */
  rows: ReconcileRow[];
  /** images no hosts.toml sends to the mirror: containerd pulls them upstream */
  upstream: string[];
  /** references left unchecked past MAX_CHECKED */
  unchecked: number;
}

const STATE_ORDER: Record<ReferenceState, number> = { missing: 0, "wrong-platform": 1, present: 2 };

export async function reconcileReport(inventory: Inventory): Promise<ReconcileReport> {
  const plan = fleetPlan(inventory);
  return withClient(inventory, REPORT_TIMEOUT_MS, async (client, signal, registry) => {
    const checked = plan.requests.slice(0, MAX_CHECKED);
    const found = await mapLimit(checked, CONCURRENCY, (request) =>
      inspect(client, request, plan.architectures, signal),
    );
    const missing = found.filter((row) => row.state === "missing");
    if (missing.length > 0) {
      const catalog = await repositories(client, signal);
      await mapLimit(missing, CONCURRENCY, async (row) => {
        row.candidates = await candidates(client, row, catalog, signal);
      });
    }
    return {
      registry,
      k0sVersion: plan.k0sVersion,
      k0sKnown: plan.k0sKnown,
      architectures: plan.architectures,
      rows: found
        .map((row, index) => ({ row, index }))
        .sort((a, b) => STATE_ORDER[a.row.state] - STATE_ORDER[b.row.state] || a.index - b.index)
        .map(({ row }) => row),
      upstream: plan.upstream,
      unchecked: plan.requests.length - checked.length,
    };
  });
}

export type FixOutcome = "fixed" | "already-present" | "no-candidate" | "not-requested" | "failed";

export interface FixResult {
  image: string;
  outcome: FixOutcome;
  /** the requested path, e.g. k0rdent-enterprise/pause:3.9 */
  target: string | null;
  /** the repository the manifest was copied from */
  from: string | null;
  digest: string | null;
  message: string;
}

/** Fixes the named images (as the report lists them), or every missing one: one result each. */
export async function fixReferences(
  inventory: Inventory,
  images: readonly string[] | "all",
): Promise<FixResult[]> {
  const plan = fleetPlan(inventory);
  const byImage = new Map(plan.requests.map((request) => [request.image, request]));
  return withClient(inventory, FIX_TIMEOUT_MS, async (client, signal) => {
    const wanted: (PlannedRequest | string)[] =
      images === "all" ? plan.requests.slice(0, MAX_CHECKED) : [...images];
    let catalog: string[] | null = null;
    const results: FixResult[] = [];
    // one at a time: two references may share a repository and its uploads
    for (const item of wanted) {
      const request = typeof item === "string" ? byImage.get(item) : item;
      if (request === undefined) {
        results.push(notRequested(String(item)));
        continue;
      }
      try {
        const row = await inspect(client, request, plan.architectures, signal);
        if (row.state !== "missing") {
          if (images !== "all") results.push(alreadyPresent(row));
          continue;
        }
        catalog ??= await repositories(client, signal);
        results.push(await fixOne(client, row, catalog, signal));
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        results.push({ ...outcomeOf(request, "failed", error.message), from: null, digest: null });
      }
    }
    return results;
  });
}

function fleetPlan(inventory: Inventory) {
  const settings = getFleetSettings(inventory);
  const { references, k0sKnown } = fleetReferences({
    k0sVersion: settings.k0sVersion,
    catalog: settings.catalog?.images ?? [],
  });
  const files = renderFleet(settings, [SAMPLE_NODE]).nodes[0]?.files ?? [];
  const { requests, upstream } = plannedRequests(references, files);
  return {
    k0sVersion: settings.k0sVersion,
    k0sKnown,
    architectures: fleetArchitectures(inventory.db),
    requests,
    upstream: upstream.map((ref) => ref.image),
  };
}

/**
 * The fleet's architectures as its nodes' checks recorded them (as the plan form reads them); while
 * no node is checked, those of the uploaded k0s binaries; amd64 when there are none either.
 */
function fleetArchitectures(db: Database): string[] {
  const unames = latestCheckResults({ db })
    .filter((result) => result.check === "os.arch")
    .map((result) => result.evidence.trim());
  const checked = Object.keys(fleetArches(unames, unames.length).nodes);
  if (checked.length > 0) return checked.sort();
  const uploaded = new Set<string>();
  for (const binary of listBinaries({ db })) if (binary.arch) uploaded.add(binary.arch);
  return uploaded.size === 0 ? ["amd64"] : [...uploaded].sort();
}

async function withClient<T>(
  inventory: Inventory,
  timeoutMs: number,
  use: (client: RegistryClient, signal: AbortSignal, registry: string) => Promise<T>,
): Promise<T> {
  const reach = await reachRegistry(inventory);
  const client = new RegistryClient({ ...reach.connection, attempts: 2, idleTimeoutMs: 15_000 });
  try {
    return await use(client, AbortSignal.timeout(timeoutMs), reach.connection.url);
  } finally {
    client.close();
    reach.close();
  }
}

async function inspect(
  client: RegistryClient,
  request: PlannedRequest,
  architectures: string[],
  signal: AbortSignal,
): Promise<ReconcileRow> {
  const head = await client.headManifest(request.repository, request.reference, signal);
  let found: Parameters<typeof manifestState>[0] = null;
  if (head !== undefined) {
    const index = isIndexMediaType(head.mediaType);
    const manifests = index
      ? parsed(await client.getManifest(request.repository, request.reference, signal), request)
          .manifests
      : [];
    found = { index, manifests };
  }
  const { state, lacking } = manifestState(found, architectures);
  return { ...request, state, digest: head?.digest ?? null, lacking, candidates: [] };
}

async function repositories(client: RegistryClient, signal: AbortSignal): Promise<string[]> {
  const all: string[] = [];
  for await (const repository of client.catalog(1000, signal)) {
    all.push(repository);
    if (all.length >= MAX_REPOSITORIES) break;
  }
  return all;
}

async function candidates(
  client: RegistryClient,
  row: PlannedRequest,
  catalog: string[],
  signal: AbortSignal,
): Promise<Candidate[]> {
  const found = await mapLimit(
    candidateRepositories(row.repository, catalog),
    CONCURRENCY,
    async (repository) => {
      try {
        const head = await client.headManifest(repository, row.reference, signal);
        return head === undefined ? null : { repository, digest: head.digest };
      } catch (error) {
        // a repository the credentials may not read is no candidate; it fails no report
        if (error instanceof RegistryError && !signal.aborted) return null;
        throw error;
      }
    },
  );
  return found.filter((candidate) => candidate !== null);
}

async function fixOne(
  client: RegistryClient,
  row: ReconcileRow,
  catalog: string[],
  signal: AbortSignal,
): Promise<FixResult> {
  const [source] = await candidates(client, row, catalog, signal);
  if (source === undefined) {
    return {
      ...outcomeOf(
        row,
        "no-candidate",
        `nothing in the registry holds ${lastName(row.repository)} at ${row.reference}: push it first`,
      ),
      from: null,
      digest: null,
    };
  }
  const digest = await copyManifest(client, source.repository, row, signal);
  return {
    ...outcomeOf(
      row,
      "fixed",
      `copied from ${source.repository} (blobs mounted, nothing uploaded)`,
    ),
    from: source.repository,
    digest,
  };
}

/** The manifest at `from`:reference copied to the requested path: blobs mounted first. */
async function copyManifest(
  client: RegistryClient,
  from: string,
  row: PlannedRequest,
  signal: AbortSignal,
): Promise<string> {
  const manifest = await client.getManifest(from, row.reference, signal);
  const top = parsed(manifest, row);
  for (const child of top.manifests) {
    const got = await client.getManifest(from, child.digest, signal);
    await mountAll(client, from, row.repository, parsed(got, row).blobs, signal);
    await client.putManifest(row.repository, child.digest, got.mediaType, got.bytes, signal);
  }
  await mountAll(client, from, row.repository, top.blobs, signal);
  return client.putManifest(
    row.repository,
    row.reference,
    manifest.mediaType,
    manifest.bytes,
    signal,
  );
}

async function mountAll(
  client: RegistryClient,
  from: string,
  to: string,
  blobs: { digest: string }[],
  signal: AbortSignal,
): Promise<void> {
  for (const blob of blobs) {
    if (await client.hasBlob(to, blob.digest, signal)) continue;
    if (!(await client.mountBlob(to, blob.digest, from, signal))) {
      throw new RegistryError(
        "upstream:registry",
        `the registry would not mount ${blob.digest} from ${from} into ${to} (it asked for an upload, which reconcile never does)`,
      );
    }
  }
}

function parsed(manifest: { bytes: Uint8Array; mediaType: string }, row: PlannedRequest) {
  try {
    return parseManifest(manifest.bytes, manifest.mediaType);
  } catch (error) {
    throw new RegistryError(
      "upstream:registry",
      `the manifest for ${row.image} ${(error as Error).message}`,
    );
  }
}

function outcomeOf(row: PlannedRequest, outcome: FixOutcome, message: string) {
  return { image: row.image, outcome, target: `${row.repository}:${row.reference}`, message };
}

function alreadyPresent(row: ReconcileRow): FixResult {
  const words =
    row.state === "present"
      ? "already present"
      : `present but lacking ${row.lacking.join(", ")}: push every platform of it`;
  return { ...outcomeOf(row, "already-present", words), from: null, digest: row.digest };
}

function notRequested(image: string): FixResult {
  return {
    image: image.slice(0, 300),
    outcome: "not-requested",
    target: null,
    from: null,
    digest: null,
    message: "no node requests this image through the mirror (not a k0s or catalog image)",
  };
}

function lastName(repository: string): string {
  return repository.slice(repository.lastIndexOf("/") + 1);
}
