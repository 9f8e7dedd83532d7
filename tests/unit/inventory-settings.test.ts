import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { openDatabase } from "@/lib/inventory/db";
import { InventoryError } from "@/lib/inventory/errors";
import {
  DEFAULT_FLEET_SETTINGS,
  getFleetSettings,
  putFleetSettings,
} from "@/lib/inventory/settings";
import { RenderRequestSchema } from "@/lib/render/schema";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function db() {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-settings-"));
  dirs.push(dir);
  return openDatabase(dir);
}
const catalog = {
  format: "plain-list" as const,
  images: ["quay.io/k0sproject/coredns:1.12.2", "registry.k8s.io/pause:3.9"],
  registries: [
    { host: "quay.io", images: 1 },
    { host: "registry.k8s.io", images: 1 },
  ],
  fileName: "images.txt",
};

describe("fleet settings", () => {
  test("defaults when nothing is stored", () => {
    assert.deepEqual(getFleetSettings({ db: db() }), {
      k0sVersion: "1.35.7",
      registries: ["registry.k8s.io", "quay.io"],
      mirror: { address: "127.0.0.1:5000", scheme: "http" },
      catalog: null,
    });
  });

  test("saved settings read back, and are a valid render request", () => {
    const database = db();
    const saved = putFleetSettings({
      db: database,
      settings: {
        k0sVersion: "1.36.1",
        registries: ["quay.io", "docker.io"],
        mirror: {
          address: "10.0.0.5:5000",
          scheme: "https",
          skipVerify: true,
          layout: { prefix: "mirror" },
        },
        catalog,
      },
    });
    assert.deepEqual(getFleetSettings({ db: database }), saved);
    assert.equal(
      saved.mirror.layout && typeof saved.mirror.layout === "object" && saved.mirror.layout.prefix,
      "mirror",
    );
    const { catalog: stored, ...renderable } = saved;
    assert.deepEqual(stored, catalog);
    assert.ok(RenderRequestSchema.safeParse({ ...renderable, images: stored?.images }).success);
  });

  test("omitted catalog is kept, null forgets it", () => {
    const database = db();
    putFleetSettings({ db: database, settings: { ...DEFAULT_FLEET_SETTINGS, catalog } });
    putFleetSettings({
      db: database,
      settings: { ...DEFAULT_FLEET_SETTINGS, k0sVersion: "1.34.2", catalog: undefined },
    });
    assert.deepEqual(getFleetSettings({ db: database }).catalog, catalog);
    assert.equal(getFleetSettings({ db: database }).k0sVersion, "1.34.2");
    putFleetSettings({ db: database, settings: { ...DEFAULT_FLEET_SETTINGS, catalog: null } });
    assert.equal(getFleetSettings({ db: database }).catalog, null);
  });

  test("invalid settings are refused with the field named, and nothing changes", () => {
    const database = db();
    assert.throws(
      () =>
        putFleetSettings({
          db: database,
          settings: { ...DEFAULT_FLEET_SETTINGS, mirror: { address: "", scheme: "ftp" as "http" } },
        }),
      (error: unknown) =>
        error instanceof InventoryError &&
        /Mirror address: /.test(error.message) &&
        /Mirror scheme: must be one of: http, https/.test(error.message) &&
        error.issues.map((issue) => issue.field).join() === "mirror.address,mirror.scheme",
    );
    assert.throws(
      () =>
        putFleetSettings({
          db: database,
          settings: {
            ...DEFAULT_FLEET_SETTINGS,
            catalog: { ...catalog, format: "tarball" as "zarf" },
          },
        }),
      /Catalog format: must be one of/,
    );
    assert.deepEqual(getFleetSettings({ db: database }), DEFAULT_FLEET_SETTINGS);
  });

  test("settings stored under older rules still load (the form says what to fix), though no request would pass them now", () => {
    const database = db();
    const mirror = {
      address: "reg.lan:99999",
      scheme: "https",
      caPem: "our CA\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    };
    database
      .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('mirror', ?, ?)")
      .run(JSON.stringify(mirror), new Date().toISOString());
    const stored = getFleetSettings({ db: database });
    assert.deepEqual(stored.mirror, mirror);
    assert.equal(RenderRequestSchema.safeParse(stored).success, false);
  });
});
