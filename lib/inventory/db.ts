/**
 * The console's one SQLite database (<dataDir>/console.sqlite). Free of Next imports so tests
 * run it under tsx; every query elsewhere takes the Database as a parameter.
 */
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { ensureDataDir } from "@/lib/data-dir";
import { consoleEnv } from "@/lib/env";
import { MIGRATIONS } from "./migrations";

export type Database = BetterSqlite3.Database;

export const DATABASE_FILE_NAME = "console.sqlite";

export function openDatabase(dataDir: string): Database {
  ensureDataDir(dataDir);
  const file = path.join(dataDir, DATABASE_FILE_NAME);
  // Created (empty) before SQLite opens it so the file and its -wal/-shm siblings are 0600.
  writeFileSync(file, "", { flag: "a", mode: 0o600 });
  chmodSync(file, 0o600);
  const db = new BetterSqlite3(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL"); // durable enough with WAL, and much faster
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Applies the migrations this database has not seen yet, all in one write transaction. Foreign
 * keys are off meanwhile (SQLite's procedure for rebuilding a table: dropping the old one must not
 * cascade) and checked before the commit.
 */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT",
  );
  const apply = db.transaction(() => {
    const { version } = db
      .prepare("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")
      .get() as { version: number };
    if (version > migrations.length) {
      throw new Error(
        `console.sqlite has schema version ${version}, newer than this console knows (${migrations.length}): run a newer console`,
      );
    }
    const record = db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
    migrations.slice(version).forEach((sql, index) => {
      db.exec(sql);
      record.run(version + index + 1, new Date().toISOString());
    });
    const broken = db.pragma("foreign_key_check") as unknown[];
    if (broken.length > 0)
      throw new Error(`a migration broke ${broken.length} references between tables`);
  });
  const foreignKeys = db.pragma("foreign_keys", { simple: true }) === 1;
  db.pragma("foreign_keys = OFF");
  try {
    apply.immediate(); // take the write lock first: two processes starting together migrate once
  } finally {
    if (foreignKeys) db.pragma("foreign_keys = ON");
  }
}

const GLOBAL_KEY = Symbol.for("k0rdent-console.database");
type Holder = { [GLOBAL_KEY]?: { dataDir: string; db: Database } };

/** The console's database, opened once per process; kept on globalThis so dev hot reload reuses it. */
export function consoleDatabase(): Database {
  const holder = globalThis as unknown as Holder;
  const { dataDir } = consoleEnv();
  const cached = holder[GLOBAL_KEY];
  if (cached?.dataDir === dataDir && cached.db.open) return cached.db;
  const db = openDatabase(dataDir);
  holder[GLOBAL_KEY] = { dataDir, db };
  return db;
}
