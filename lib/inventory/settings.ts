/** Fleet-wide settings: the render input's k0s version, registries and mirror, plus the loaded catalog. */
import { z } from "zod";
import type { CatalogFormat } from "@/lib/catalog/types";
import { RenderRequestSchema, StoredRenderRequestSchema } from "@/lib/render/schema";
import type { Database } from "./db";
import { parseOrThrow } from "./errors";

const CATALOG_FORMATS = [
  "plain-list",
  "oci-index",
  "docker-save-manifest",
  "zarf",
  "hauler",
  "skopeo-sync",
  "mindthegap",
  "k0rdent-markdown",
  "bundle-archive",
] as const satisfies readonly CatalogFormat[];
// fails to compile when lib/catalog adds a format this list lacks
type Assert<T extends true> = T;
export type _AllCatalogFormatsListed = Assert<
  [Exclude<CatalogFormat, (typeof CATALOG_FORMATS)[number]>] extends [never] ? true : false
>;

/** A summary of the catalog last loaded: normalised image references and per-registry counts. */
const CatalogSummarySchema = z.strictObject({
  format: z.enum(CATALOG_FORMATS),
  images: RenderRequestSchema.shape.images.unwrap(),
  registries: z.array(
    z.strictObject({ host: z.string().max(300), images: z.number().int().min(0) }),
  ),
  fileName: z.string().max(255).optional(),
  loadedAt: z.string().max(64).optional(),
  skipped: z.number().int().min(0).optional(),
  errors: z.number().int().min(0).optional(),
});

export const FleetSettingsSchema = RenderRequestSchema.pick({
  k0sVersion: true,
  registries: true,
  mirror: true,
}).extend({
  /** omitted = keep the stored catalog, null = forget it */
  catalog: CatalogSummarySchema.nullable().optional(),
});

/** Settings as stored: read back even when a newer rule refuses them (the form then says why). */
const StoredFleetSettingsSchema = StoredRenderRequestSchema.pick({
  k0sVersion: true,
  registries: true,
  mirror: true,
}).extend({ catalog: CatalogSummarySchema.nullable().optional() });

export type CatalogSummary = z.infer<typeof CatalogSummarySchema>;
export type FleetSettingsInput = z.input<typeof FleetSettingsSchema>;
export interface FleetSettings {
  k0sVersion: string;
  registries: string[];
  mirror: z.infer<typeof FleetSettingsSchema>["mirror"];
  catalog: CatalogSummary | null;
}

export const DEFAULT_FLEET_SETTINGS: FleetSettings = {
  k0sVersion: "1.35.7",
  registries: ["registry.k8s.io", "quay.io"],
  mirror: { address: "127.0.0.1:5000", scheme: "http" },
  catalog: null,
};

// One row per top-level field, so saving the mirror does not rewrite a 100k-image catalog.
const KEYS = ["k0sVersion", "registries", "mirror", "catalog"] as const;

export function getFleetSettings({ db }: { db: Database }): FleetSettings {
  const rows = db.prepare("SELECT key, value FROM settings").all() as {
    key: string;
    value: string;
  }[];
  const stored = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  const merged = { ...DEFAULT_FLEET_SETTINGS, ...pick(stored) };
  const valid = StoredFleetSettingsSchema.safeParse(merged);
  if (!valid.success) throw new Error("the stored fleet settings are damaged; save them again");
  return { ...valid.data, catalog: valid.data.catalog ?? null };
}

export function putFleetSettings({
  db,
  settings,
}: {
  db: Database;
  settings: FleetSettingsInput;
}): FleetSettings {
  const valid = parseOrThrow(FleetSettingsSchema, settings);
  const now = new Date().toISOString();
  // saving a value unchanged keeps its time: updated_at says when the setting last changed
  const upsert = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value,
       updated_at = CASE WHEN value = excluded.value THEN updated_at ELSE excluded.updated_at END`,
  );
  db.transaction(() => {
    for (const key of KEYS) {
      const value = valid[key];
      if (key === "catalog" && value === null) {
        db.prepare("DELETE FROM settings WHERE key = 'catalog'").run();
      } else if (value !== undefined) {
        upsert.run(key, JSON.stringify(value), now);
      }
    }
  })();
  return getFleetSettings({ db });
}

/**
 * When the settings the checks and the rendered files depend on (k0s version, registries, mirror)
 * last changed; null when never saved.
 */
export function fleetSettingsChangedAt({ db }: { db: Database }): string | null {
  const at = db
    .prepare(
      "SELECT MAX(updated_at) FROM settings WHERE key IN ('k0sVersion', 'registries', 'mirror')",
    )
    .pluck()
    .get() as string | null;
  return at ?? null;
}

/** Keeps `catalog` as the fleet's catalog, leaving the other settings as they are. */
export function putCatalog({ db, catalog }: { db: Database; catalog: CatalogSummary }): void {
  putCatalogJson({ db, json: JSON.stringify(parseOrThrow(CatalogSummarySchema, catalog)) });
}

/** putCatalog of a summary the console built itself, already as JSON (see catalog-sources.ts). */
export function putCatalogJson({ db, json }: { db: Database; json: string }): void {
  db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES ('catalog', ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(json, new Date().toISOString());
}

function pick(stored: Record<string, unknown>): Partial<Record<(typeof KEYS)[number], unknown>> {
  return Object.fromEntries(KEYS.filter((key) => key in stored).map((key) => [key, stored[key]]));
}
