/** Uploaded catalogs kept as named sources; the fleet's catalog setting is always their union. */

import { MAX_CATALOG_IMAGES } from "@/lib/catalog/limits";
import { AppError } from "@/lib/errors";
import {
  type CatalogSourceRecord,
  mergeCatalogSources,
  registryCounts,
  uniqueSourceName,
} from "./catalog-merge";
import type { Database } from "./db";
import { InventoryError } from "./errors";
import { type CatalogSummary, putCatalogJson } from "./settings";

/** A source as the API shows it: counts, not its (up to 200k) references. */
export interface CatalogSourceView {
  id: number;
  name: string;
  format: CatalogSummary["format"];
  images: number;
  registries: { host: string; images: number }[];
  skipped: number;
  errors: number;
  loadedAt: string;
}

interface SourceRow {
  id: number;
  name: string;
  format: string;
  images: string;
  skipped: number;
  errors: number;
  loaded_at: string;
}

export function listCatalogSources({ db }: { db: Database }): CatalogSourceRecord[] {
  const rows = db.prepare("SELECT * FROM catalog_sources ORDER BY id").all() as SourceRow[];
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    format: row.format as CatalogSummary["format"],
    images: JSON.parse(row.images) as string[],
    skipped: row.skipped,
    errors: row.errors,
    loadedAt: row.loaded_at,
  }));
}

/**
 * Keeps a parsed catalog as a new source (its name made unique: nothing is replaced by a name);
 * `replace`: the sources already kept are removed first, the one explicit way to replace.
 * A catalog can hold 200,000 references: the union and its JSON are worked out a step per turn of
 * the event loop, and the transaction at the end only writes them (another request's sources
 * arriving meanwhile start the work again, so none is lost).
 */
export async function addCatalogSource({
  db,
  source,
  replace = false,
}: {
  db: Database;
  source: Omit<CatalogSourceRecord, "id">;
  replace?: boolean;
}): Promise<CatalogSourceRecord> {
  checkImages(source.images);
  for (;;) {
    const kept = replace ? [] : listCatalogSources({ db });
    refuseBeyondBounds(kept, source.images.length);
    const name = uniqueSourceName(source.name.slice(0, 200), new Set(kept.map((k) => k.name)));
    await nextTurn();
    const imagesJson = JSON.stringify(source.images);
    await nextTurn();
    const merged = mergedCatalog([...kept, { ...source, name, id: 0 }]);
    await nextTurn();
    const mergedJson = JSON.stringify(merged);
    await nextTurn();
    const keptIds = kept.map((k) => k.id).join();
    const added = db.transaction(() => {
      if (!replace && sourceIds(db) !== keptIds) return null; // another upload came first
      if (replace) db.prepare("DELETE FROM catalog_sources").run();
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO catalog_sources (name, format, images, skipped, errors, loaded_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(name, source.format, imagesJson, source.skipped, source.errors, source.loadedAt);
      putCatalogJson({ db, json: mergedJson });
      return { ...source, name, id: Number(lastInsertRowid) };
    })();
    if (added) return added;
  }
}

/** How many sources, and images kept over all of them (each union re-reads them all), at most. */
export const MAX_CATALOG_SOURCES = 64;
const MAX_SOURCE_IMAGES_TOTAL = 1_000_000;

function refuseBeyondBounds(kept: readonly CatalogSourceRecord[], adding: number): void {
  const sources = kept.length;
  const images = kept.reduce((total, source) => total + source.images.length, 0);
  if (sources >= MAX_CATALOG_SOURCES || images + adding > MAX_SOURCE_IMAGES_TOTAL) {
    throw new AppError(
      "conflict:catalog_sources",
      `the console keeps at most ${MAX_CATALOG_SOURCES} catalogs holding ${MAX_SOURCE_IMAGES_TOTAL} images in all (now ${sources}, ${images}): remove a catalog, or replace them`,
    );
  }
}

/** Removes one source, and with it only the images (and registries) no other source brought. */
export function removeCatalogSource({ db, id }: { db: Database; id: number }): void {
  db.transaction(() => {
    const { changes } = db.prepare("DELETE FROM catalog_sources WHERE id = ?").run(id);
    if (changes === 0) throw new InventoryError("not_found", `no catalog source ${id}`);
    const left = listCatalogSources({ db });
    if (left.length === 0) db.prepare("DELETE FROM settings WHERE key = 'catalog'").run();
    else putCatalogJson({ db, json: JSON.stringify(mergedCatalog(left)) });
  })();
}

/**
 * The references come from the console's own catalog reader: only their count and size are
 * checked here (a zod pass over 200,000 strings holds the event loop for a tenth of a second).
 */
function checkImages(images: readonly string[]): void {
  if (images.length > MAX_CATALOG_IMAGES || images.some((ref) => ref.length > MAX_REF_LENGTH)) {
    throw new InventoryError(
      "invalid",
      `a catalog holds at most ${MAX_CATALOG_IMAGES} images of at most ${MAX_REF_LENGTH} characters`,
    );
  }
}

const MAX_REF_LENGTH = 512;

/** The fleet's catalog (settings 'catalog', what checks sample and the renderer checks): the union. */
function mergedCatalog(sources: CatalogSourceRecord[]): CatalogSummary | null {
  const merged = mergeCatalogSources(sources);
  if (merged && merged.images.length > MAX_CATALOG_IMAGES) {
    throw new InventoryError(
      "invalid",
      `the catalogs together hold ${merged.images.length} images, more than ${MAX_CATALOG_IMAGES}: remove a catalog, or replace them`,
    );
  }
  return merged;
}

function sourceIds(db: Database): string {
  const rows = db.prepare("SELECT id FROM catalog_sources ORDER BY id").all() as { id: number }[];
  return rows.map((row) => row.id).join();
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What GET /api/catalog/sources answers: every source, and the union the fleet uses. */
export function catalogSourcesView({ db }: { db: Database }): {
  sources: CatalogSourceView[];
  catalog: { images: number; registries: { host: string; images: number }[] };
} {
  const sources = listCatalogSources({ db });
  const merged = mergeCatalogSources(sources);
  return {
    sources: sources.map(({ images, ...source }) => ({
      ...source,
      images: images.length,
      registries: registryCounts(images),
    })),
    catalog: { images: merged?.images.length ?? 0, registries: merged?.registries ?? [] },
  };
}
