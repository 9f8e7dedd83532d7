import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import { consoleDatabase, DATABASE_FILE_NAME, migrate, openDatabase } from "@/lib/inventory/db";
import { MIGRATIONS } from "@/lib/inventory/migrations";
import { consoleSecretKey, SECRET_KEY_FILE_NAME } from "@/lib/inventory/secrets";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-db-"));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("openDatabase", () => {
  test("creates console.sqlite with WAL, foreign keys and a busy timeout", () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.ok((db.pragma("busy_timeout", { simple: true }) as number) >= 1000);
    assert.equal(db.name, path.join(dir, DATABASE_FILE_NAME));
    db.close();
  });

  test("the database file is readable by its owner only, in a 0700 folder", () => {
    const dir = path.join(tempDir(), "data");
    openDatabase(dir).close();
    assert.equal(statSync(path.join(dir, DATABASE_FILE_NAME)).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  test("the write-ahead log gets the same owner-only mode", () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('probe', '1', 'now')").run();
    assert.equal(statSync(path.join(dir, `${DATABASE_FILE_NAME}-wal`)).mode & 0o777, 0o600);
    db.close();
  });

  test("migrations run once: opening twice keeps one row per version and the data", () => {
    const dir = tempDir();
    const first = openDatabase(dir);
    first
      .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('probe', '1', 'now')")
      .run();
    first.close();
    const second = openDatabase(dir);
    const versions = second
      .prepare("SELECT version FROM schema_migrations ORDER BY version")
      .pluck()
      .all();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((_, index) => index + 1),
    );
    assert.equal(
      second.prepare("SELECT value FROM settings WHERE key = 'probe'").pluck().get(),
      "1",
    );
    second.close();
  });

  test("the tables the store needs exist", () => {
    const db = openDatabase(tempDir());
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    for (const table of [
      "check_overrides",
      "check_results",
      "nodes",
      "schema_migrations",
      "settings",
    ]) {
      assert.ok(tables.includes(table), `missing table ${table}`);
    }
    db.close();
  });

  test("a database from a newer console is refused with a clear error", () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'later')").run(
      MIGRATIONS.length + 1,
    );
    db.close();
    assert.throws(() => openDatabase(dir), /newer than this console/);
  });

  test("a failed migration is rolled back whole and not recorded", () => {
    const db = openDatabase(tempDir());
    // the second statement fails (nodes exists), so the first one must not stay either
    const broken = [
      ...MIGRATIONS,
      "CREATE TABLE extra (id INTEGER); CREATE TABLE nodes (id INTEGER);",
    ];
    assert.throws(() => migrate(db, broken), /already exists/);
    assert.equal(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get(),
      undefined,
    );
    const latest = db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get();
    assert.equal(latest, MIGRATIONS.length);
    db.close();
  });

  test("the runs table rebuilt for push keeps every run's nodes and events, and their cascade", () => {
    const dir = tempDir();
    const old = new Database(path.join(dir, DATABASE_FILE_NAME));
    old.pragma("foreign_keys = ON");
    migrate(old, MIGRATIONS.slice(0, -1));
    old
      .prepare(
        "INSERT INTO runs (id, action, status, started_by, inputs, created_at) VALUES ('r1', 'plan', 'succeeded', 'x', '{}', 't')",
      )
      .run();
    old.prepare("INSERT INTO run_nodes (run_id, node, state) VALUES ('r1', 'n', 'pending')").run();
    old
      .prepare(
        "INSERT INTO run_events (run_id, node, stream, line, at) VALUES ('r1', 'n', 'info', 'hi', 't')",
      )
      .run();
    assert.throws(() =>
      old
        .prepare(
          "INSERT INTO runs (id, action, status, started_by, inputs, created_at) VALUES ('r2', 'push', 'running', 'x', '{}', 't')",
        )
        .run(),
    );
    migrate(old, MIGRATIONS);
    assert.equal(old.pragma("foreign_keys", { simple: true }), 1);
    const count = (table: string) => old.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    assert.deepEqual([count("runs"), count("run_nodes"), count("run_events")], [1, 1, 1]);
    old
      .prepare(
        "INSERT INTO runs (id, action, status, started_by, inputs, created_at) VALUES ('r2', 'push', 'running', 'x', '{}', 't')",
      )
      .run();
    old.prepare("DELETE FROM runs WHERE id = 'r1'").run();
    assert.deepEqual([count("run_nodes"), count("run_events")], [0, 0]);
    old.close();
  });

  test("a new migration is applied on the next open", () => {
    const db = openDatabase(tempDir());
    migrate(db, [...MIGRATIONS, "CREATE TABLE extra (id INTEGER PRIMARY KEY)"]);
    assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get());
    const latest = db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get();
    assert.equal(latest, MIGRATIONS.length + 1);
    db.close();
  });
});

describe("consoleDatabase / consoleSecretKey", () => {
  test("open once per process, in CONSOLE_DATA_DIR", () => {
    // consoleEnv() reads the environment on first use; this file runs in its own process
    const dir = tempDir();
    process.env.CONSOLE_DATA_DIR = dir;
    const db = consoleDatabase();
    assert.equal(consoleDatabase(), db);
    assert.equal(db.name, path.join(dir, DATABASE_FILE_NAME));
    assert.equal(consoleSecretKey(), consoleSecretKey());
    assert.ok(statSync(path.join(dir, SECRET_KEY_FILE_NAME)).isFile());
  });
});
