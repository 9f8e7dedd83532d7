/** Uploaded catalogs kept as named sources; the fleet's catalog setting is always their union. */

import { AppError } from "@/lib/errors";
import { MAX_CATALOG_IMAGES } from "@/lib/render/schema";
import {
  type CatalogSourceRecord,
  mergeCatalogSources,
  registryCounts,
  uniqueSourceName,
} from "./catalog-merge";
import type { Database } from "./db";
import { InventoryError, parseOrThrow } from "./errors";
import { type CatalogSummary, CatalogSummarySchema, putCatalog } from "./settings";

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
 */
export function addCatalogSource({
  db,
  source,
  replace = false,
}: {
  db: Database;
  source: Omit<CatalogSourceRecord, "id">;
  replace?: boolean;
}): CatalogSourceRecord {
  // the same bounds as the fleet's catalog: a source never holds what the union could not
  parseOrThrow(CatalogSummarySchema.pick({ format: true, images: true }), {
    format: source.format,
    images: source.images,
  });
  return db.transaction(() => {
    if (replace) db.prepare("DELETE FROM catalog_sources").run();
    refuseBeyondBounds(db, source.images.length);
    const taken = new Set(listCatalogSources({ db }).map((kept) => kept.name));
    const name = uniqueSourceName(source.name.slice(0, 200), taken);
    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO catalog_sources (name, format, images, skipped, errors, loaded_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        name,
        source.format,
        JSON.stringify(source.images),
        source.skipped,
        source.errors,
        source.loadedAt,
      );
    syncFleetCatalog(db);
    return { ...source, name, id: Number(lastInsertRowid) };
  })();
}

/** How many sources, and images kept over all of them (each union re-reads them all), at most. */
export const MAX_CATALOG_SOURCES = 64;
export const MAX_SOURCE_IMAGES_TOTAL = 1_000_000;

function refuseBeyondBounds(db: Database, adding: number): void {
  const { sources, images } = db
    .prepare(
      "SELECT count(*) AS sources, coalesce(sum(json_array_length(images)), 0) AS images FROM catalog_sources",
    )
    .get() as { sources: number; images: number };
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
    syncFleetCatalog(db);
  })();
}

/** The fleet's catalog (settings 'catalog', what checks sample and the renderer checks) := the union. */
function syncFleetCatalog(db: Database): void {
  const merged = mergeCatalogSources(listCatalogSources({ db }));
  if (merged && merged.images.length > MAX_CATALOG_IMAGES) {
    throw new InventoryError(
      "invalid",
      `the catalogs together hold ${merged.images.length} images, more than ${MAX_CATALOG_IMAGES}: remove a catalog, or replace them`,
    );
  }
  if (merged) putCatalog({ db, catalog: merged });
  else db.prepare("DELETE FROM settings WHERE key = 'catalog'").run();
}

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
