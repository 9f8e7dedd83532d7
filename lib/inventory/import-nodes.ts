/** Saves the valid rows of an import preview, in one transaction, reporting each row's outcome. */
import type { Database } from "./db";
import { InventoryError } from "./errors";
import type { ImportRow } from "./import/types";
import { createNode } from "./nodes";
import type { SecretKey } from "./secrets";
import type { NodePublic } from "./types";

export type ImportOutcome =
  | { line: number; name: string; outcome: "created"; node: NodePublic }
  | { line: number; name: string; outcome: "conflict"; message: string }
  /** the row had errors in the preview, or failed validation here (rows may come from a client) */
  | { line: number; name: string | null; outcome: "invalid"; message: string };

export function importNodes({
  db,
  key,
  rows,
}: {
  db: Database;
  key: SecretKey;
  rows: ImportRow[];
}): ImportOutcome[] {
  return db.transaction(() =>
    rows.map((row): ImportOutcome => {
      const name = typeof row.node?.name === "string" ? row.node.name : null;
      if (!row.node || row.errors.length > 0) {
        return {
          line: row.line,
          name,
          outcome: "invalid",
          message: row.errors.join("; ") || "no node",
        };
      }
      const { auth, ...input } = row.node;
      try {
        const node = createNode({ db, key, input: auth ? { ...input, auth } : input });
        return { line: row.line, name: node.name, outcome: "created", node };
      } catch (error) {
        if (!(error instanceof InventoryError) || error.code === "not_found") throw error;
        if (error.code === "conflict") {
          return { line: row.line, name: input.name, outcome: "conflict", message: error.message };
        }
        return { line: row.line, name, outcome: "invalid", message: error.message };
      }
    }),
  )();
}
