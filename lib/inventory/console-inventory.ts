import { consoleDatabase, type Database } from "./db";
import { consoleSecretKey, type SecretKey } from "./secrets";

/** The console's own database and secret key, for route handlers. */
export function consoleInventory(): { db: Database; key: SecretKey } {
  return { db: consoleDatabase(), key: consoleSecretKey() };
}
