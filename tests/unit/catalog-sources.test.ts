import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { AppError } from "@/lib/errors";
import {
  type CatalogSourceRecord,
  mergeCatalogSources,
  registryCounts,
  uniqueSourceName,
} from "@/lib/inventory/catalog-merge";
import {
  addCatalogSource,
  catalogSourcesView,
  listCatalogSources,
  MAX_CATALOG_SOURCES,
  removeCatalogSource,
} from "@/lib/inventory/catalog-sources";
import { migrate, openDatabase } from "@/lib/inventory/db";
import { MIGRATIONS } from "@/lib/inventory/migrations";
import { getFleetSettings } from "@/lib/inventory/settings";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "catalog-sources-"));
  dirs.push(dir);
  return dir;
}

function source(id: number, name: string, images: string[]): CatalogSourceRecord {
  return {
    id,
    name,
    format: "plain-list",
    images,
    skipped: 1,
    errors: 0,
    loadedAt: `2026-12-0${id}T00:00:00Z`,
  };
}
const K0S = source(1, "k0s.txt", ["quay.io/k0sproject/coredns:1.12", "registry.k8s.io/pause:3.9"]);
const APPS = source(2, "apps.txt", ["ghcr.io/acme/api:1", "quay.io/k0sproject/coredns:1.12"]);

describe("catalog sources merge into the fleet's catalog", () => {
  const cases: {
    name: string;
    sources: CatalogSourceRecord[];
    images: string[] | null;
    registries?: { host: string; images: number }[];
  }[] = [
    { name: "no source: no catalog", sources: [], images: null },
    {
      name: "one source: its images",
      sources: [K0S],
      images: K0S.images,
      registries: [
        { host: "quay.io", images: 1 },
        { host: "registry.k8s.io", images: 1 },
      ],
    },
    {
      name: "two sources: the union, an image both bring counted once",
      sources: [K0S, APPS],
      images: [...K0S.images, "ghcr.io/acme/api:1"],
      registries: [
        { host: "ghcr.io", images: 1 },
        { host: "quay.io", images: 1 },
        { host: "registry.k8s.io", images: 1 },
      ],
    },
  ];
  for (const { name, sources, images, registries } of cases) {
    test(name, () => {
      const merged = mergeCatalogSources(sources);
      assert.deepEqual(merged?.images ?? null, images);
      if (registries) assert.deepEqual(merged?.registries, registries);
    });
  }

  test("the merged summary names every source and adds up what they skipped", () => {
    const merged = mergeCatalogSources([K0S, APPS]);
    assert.equal(merged?.fileName, "k0s.txt, apps.txt");
    assert.equal(merged?.skipped, 2);
    assert.equal(merged?.loadedAt, APPS.loadedAt);
  });

  test("registry counts are of distinct images per host", () => {
    assert.deepEqual(
      registryCounts(["docker.io/library/a:1", "docker.io/library/a:1", "x.io/b:2"]),
      [
        { host: "docker.io", images: 1 },
        { host: "x.io", images: 1 },
      ],
    );
  });

  const names: [string, string[], string][] = [
    ["images.txt", [], "images.txt"],
    ["images.txt", ["images.txt"], "images.txt (2)"],
    ["images.txt", ["images.txt", "images.txt (2)"], "images.txt (3)"],
    ["  ", [], "catalog"],
  ];
  for (const [name, taken, expected] of names) {
    test(`a source named "${name}" beside [${taken.join(", ")}] is "${expected}"`, () => {
      assert.equal(uniqueSourceName(name, new Set(taken)), expected);
    });
  }
});

describe("catalog sources in the database", () => {
  const add = (db: ReturnType<typeof openDatabase>, from: CatalogSourceRecord, replace = false) => {
    const { id: _id, ...rest } = from;
    return addCatalogSource({ db, source: rest, replace });
  };

  test("a second upload adds to the first; removing one removes only what it brought", async () => {
    const db = openDatabase(tempDir());
    const first = await add(db, K0S);
    await add(db, APPS);
    assert.deepEqual(
      getFleetSettings({ db }).catalog?.registries.map((registry) => registry.host),
      ["ghcr.io", "quay.io", "registry.k8s.io"],
    );
    removeCatalogSource({ db, id: first.id });
    const left = getFleetSettings({ db }).catalog;
    assert.deepEqual(left?.images, APPS.images, "the image both brought stays");
    assert.deepEqual(
      left?.registries.map((registry) => registry.host),
      ["ghcr.io", "quay.io"],
    );
    db.close();
  });

  test("removing the last source forgets the fleet's catalog", async () => {
    const db = openDatabase(tempDir());
    const only = await add(db, K0S);
    removeCatalogSource({ db, id: only.id });
    assert.equal(getFleetSettings({ db }).catalog, null);
    assert.deepEqual(catalogSourcesView({ db }), {
      sources: [],
      catalog: { images: 0, registries: [] },
    });
    db.close();
  });

  test("replacing is explicit: `replace` drops the other sources, a same name does not", async () => {
    const db = openDatabase(tempDir());
    await add(db, K0S);
    const again = await add(db, K0S);
    assert.equal(again.name, "k0s.txt (2)");
    assert.equal(listCatalogSources({ db }).length, 2);
    await add(db, APPS, true);
    assert.deepEqual(
      listCatalogSources({ db }).map((kept) => kept.name),
      ["apps.txt"],
    );
    assert.deepEqual(getFleetSettings({ db }).catalog?.images, APPS.images);
    db.close();
  });

  test("removing a source that is not there is a 404", () => {
    const db = openDatabase(tempDir());
    assert.throws(
      () => removeCatalogSource({ db, id: 42 }),
      (error: unknown) => (error as { status?: number }).status === 404,
    );
    db.close();
  });

  test("the catalog loaded before sources existed becomes the first source", () => {
    const db = new BetterSqlite3(":memory:");
    const index = MIGRATIONS.findIndex((sql) => sql.includes("CREATE TABLE catalog_sources"));
    migrate(db, MIGRATIONS.slice(0, index));
    const stored = { format: "zarf", images: K0S.images, registries: [], fileName: "zarf.yaml" };
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('catalog', ?, 'then')").run(
      JSON.stringify(stored),
    );
    migrate(db, MIGRATIONS);
    assert.deepEqual(
      listCatalogSources({ db }).map(({ name, format, images, loadedAt }) => ({
        name,
        format,
        images,
        loadedAt,
      })),
      [{ name: "zarf.yaml", format: "zarf", images: K0S.images, loadedAt: "then" }],
    );
    db.close();
  });
});

test("catalogs that together hold more images than the fleet's catalog may are refused whole", async () => {
  const db = openDatabase(tempDir());
  const many = (prefix: string) =>
    Array.from({ length: 120_000 }, (_, index) => `quay.io/${prefix}/image:${index}`);
  await addCatalogSource({ db, source: { ...K0S, images: many("a") } });
  await assert.rejects(
    addCatalogSource({ db, source: { ...APPS, images: many("b") } }),
    /together hold 240000 images, more than 200000/,
  );
  assert.deepEqual(
    listCatalogSources({ db }).map((kept) => kept.name),
    ["k0s.txt"],
  );
  db.close();
});

test("two uploads at once both become sources: the later one's union is worked out again", async () => {
  const db = openDatabase(tempDir());
  const { id: _k, ...k0s } = K0S;
  const { id: _a, ...apps } = APPS;
  await Promise.all([
    addCatalogSource({ db, source: k0s }),
    addCatalogSource({ db, source: apps }),
  ]);
  assert.deepEqual(
    listCatalogSources({ db }).map((kept) => kept.name),
    ["k0s.txt", "apps.txt"],
  );
  assert.deepEqual(
    new Set(getFleetSettings({ db }).catalog?.images),
    new Set([...K0S.images, ...APPS.images]),
  );
  db.close();
});

test("the console keeps a bounded number of catalogs: one more is refused, naming the bound", async () => {
  const db = openDatabase(tempDir());
  for (let index = 0; index < MAX_CATALOG_SOURCES; index += 1) {
    await addCatalogSource({ db, source: { ...K0S, name: "same.txt" } });
  }
  await assert.rejects(
    addCatalogSource({ db, source: { ...APPS } }),
    (error: unknown) =>
      error instanceof AppError &&
      error.status === 409 &&
      /at most 64 catalogs/.test(error.message),
  );
  // replacing is still possible: it removes the others first
  await addCatalogSource({ db, source: { ...APPS }, replace: true });
  assert.equal(listCatalogSources({ db }).length, 1);
  db.close();
});
