/** The fleet's catalog as the union of its sources (pure: tested with tables). */
import type { CatalogSummary } from "./settings";

/** One uploaded catalog as kept: its parse result's normalised references and counts. */
export interface CatalogSourceRecord {
  id: number;
  name: string;
  format: CatalogSummary["format"];
  images: string[];
  skipped: number;
  errors: number;
  loadedAt: string;
}

/**
 * Every source's images once, in upload order, with per-registry counts of distinct images; null
 * without sources. The format and time are the newest source's; the name lists them all.
 */
export function mergeCatalogSources(
  sources: readonly CatalogSourceRecord[],
): CatalogSummary | null {
  const newest = sources.at(-1);
  if (!newest) return null;
  const images = [...new Set(sources.flatMap((source) => source.images))];
  return {
    format: newest.format,
    images,
    registries: registryCounts(images),
    fileName: sources
      .map((source) => source.name)
      .join(", ")
      .slice(0, 255),
    loadedAt: newest.loadedAt,
    skipped: sum(sources.map((source) => source.skipped)),
    errors: sum(sources.map((source) => source.errors)),
  };
}

/** Distinct images per registry host (a normalised reference starts with its host), by host. */
export function registryCounts(images: readonly string[]): { host: string; images: number }[] {
  const counts = new Map<string, number>();
  for (const ref of new Set(images)) {
    const host = ref.slice(0, ref.indexOf("/"));
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return [...counts]
    .map(([host, images]) => ({ host, images }))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/** `name`, or `name (2)`, `name (3)`… : the first not in `taken`. */
export function uniqueSourceName(name: string, taken: ReadonlySet<string>): string {
  const base = name.trim() || "catalog";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
