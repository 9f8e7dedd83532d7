/**
 * Credentials: SSH access (a key, a password or the agent, plus a sudo mode) defined once and
 * assigned to many nodes, so that one rotation changes them all. Secrets are stored encrypted like
 * a node's own and never read back: the public view says only that they are there.
 */
import { AppError } from "@/lib/errors";
import type { Database } from "./db";
import { InventoryError, parseOrThrow, writeUniqueName } from "./errors";
import { authColumns, sudoColumns } from "./node-columns";
import { CredentialInputSchema, CredentialPatchSchema } from "./schema";
import type { SecretKey } from "./secrets";
import type { CredentialPublic, SshAuthInput, SudoInput } from "./types";

export type { CredentialPublic };

export interface CredentialInput {
  name: string;
  auth: SshAuthInput;
  /** default: passwordless (a credential does not know the nodes' users) */
  sudo?: SudoInput;
}

interface CredentialRow {
  id: number;
  name: string;
  auth_kind: SshAuthInput["kind"];
  auth_secret: string | null;
  auth_passphrase: string | null;
  sudo_mode: SudoInput["mode"];
  sudo_password: string | null;
  created_at: string;
  updated_at: string;
}

export function listCredentials({ db }: { db: Database }): CredentialPublic[] {
  const rows = db.prepare("SELECT * FROM credentials ORDER BY name").all() as CredentialRow[];
  return rows.map((row) => toPublic(db, row));
}

export function getCredential({ db, name }: { db: Database; name: string }): CredentialPublic {
  return toPublic(db, requireRow(db, name));
}

export function createCredential({
  db,
  key,
  input,
}: {
  db: Database;
  key: SecretKey;
  input: CredentialInput;
}): CredentialPublic {
  const valid = parseOrThrow(CredentialInputSchema, input);
  const now = new Date().toISOString();
  const columns = {
    name: valid.name,
    ...accessColumns(valid.auth, valid.sudo ?? { mode: "passwordless" }, key),
    created_at: now,
    updated_at: now,
  };
  const names = Object.keys(columns);
  const sql = `INSERT INTO credentials (${names.join(", ")}) VALUES (${names.map((n) => `@${n}`).join(", ")})`;
  writeNamed(() => db.prepare(sql).run(columns), valid.name);
  return getCredential({ db, name: valid.name });
}

/**
 * Renames or rotates a credential. Every node using it changes with it: a rotation is recorded
 * as each node's access change, so checks that ran with the old access read as stale.
 */
export function updateCredential({
  db,
  key,
  name,
  patch,
}: {
  db: Database;
  key: SecretKey;
  name: string;
  patch: Partial<CredentialInput>;
}): CredentialPublic {
  const valid = parseOrThrow(CredentialPatchSchema, patch);
  return db.transaction(() => {
    const row = requireRow(db, name);
    const now = new Date().toISOString();
    const changes: Record<string, unknown> = { updated_at: now };
    if (valid.name !== undefined) changes.name = valid.name;
    if (valid.auth !== undefined) {
      const auth = authColumns(valid.auth, key);
      Object.assign(changes, {
        auth_kind: auth.kind,
        auth_secret: auth.secret,
        auth_passphrase: auth.passphrase,
      });
    }
    if (valid.sudo !== undefined) Object.assign(changes, sudoColumns(valid.sudo, key));
    // column names come from this function, never from the request
    const assignments = Object.keys(changes).map((column) => `${column} = @${column}`);
    const sql = `UPDATE credentials SET ${assignments.join(", ")} WHERE id = @id`;
    writeNamed(() => db.prepare(sql).run({ ...changes, id: row.id }), valid.name ?? name);
    // the nodes' checks ran with the old access: record the change, so they read as stale
    const what = [
      ...(valid.auth !== undefined ? ["credentials"] : []),
      ...(valid.sudo !== undefined ? ["sudo"] : []),
    ];
    if (what.length > 0) {
      db.prepare(
        "UPDATE nodes SET updated_at = @now, access_changed_at = @now, access_change = @what WHERE credential_id = @id",
      ).run({ now, what: JSON.stringify(what), id: row.id });
    }
    return getCredential({ db, name: valid.name ?? name });
  })();
}

/** Refused with 409 naming the nodes while any node uses it. */
export function deleteCredential({ db, name }: { db: Database; name: string }): void {
  db.transaction(() => {
    const row = requireRow(db, name);
    const users = nodesUsing(db, row.id);
    if (users.length > 0) {
      const shown = users.length > 10 ? `${users.slice(0, 10).join(", ")}…` : users.join(", ");
      throw new AppError(
        "conflict:credential",
        `credential "${name}" is used by ${users.length} node${users.length === 1 ? "" : "s"} (${shown}): give them another credential or their own access first`,
        { details: { nodes: users } },
      );
    }
    db.prepare("DELETE FROM credentials WHERE id = ?").run(row.id);
  })();
}

/** The id of the credential a node input names; a name that is not stored is the input's error. */
export function credentialId(db: Database, name: string): number {
  const id = db.prepare("SELECT id FROM credentials WHERE name = ?").pluck().get(name);
  if (typeof id === "number") return id;
  throw new InventoryError("invalid", `credential: no credential named "${name}"`, [
    { field: "credential", message: `no credential named "${name}"` },
  ]);
}

function accessColumns(auth: SshAuthInput, sudo: SudoInput, key: SecretKey) {
  const columns = authColumns(auth, key);
  return {
    auth_kind: columns.kind,
    auth_secret: columns.secret,
    auth_passphrase: columns.passphrase,
    ...sudoColumns(sudo, key),
  };
}

function requireRow(db: Database, name: string): CredentialRow {
  const row = db.prepare("SELECT * FROM credentials WHERE name = ?").get(name);
  if (!row) throw new AppError("not_found:credential", `no credential named "${name}"`);
  return row as CredentialRow;
}

function nodesUsing(db: Database, id: number): string[] {
  return db
    .prepare("SELECT name FROM nodes WHERE credential_id = ? ORDER BY name")
    .pluck()
    .all(id) as string[];
}

function toPublic(db: Database, row: CredentialRow): CredentialPublic {
  return {
    name: row.name,
    auth: {
      kind: row.auth_kind,
      hasSecret: row.auth_secret !== null,
      hasPassphrase: row.auth_passphrase !== null,
    },
    sudo: { mode: row.sudo_mode, hasPassword: row.sudo_password !== null },
    nodes: nodesUsing(db, row.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function writeNamed(write: () => unknown, name: string): void {
  writeUniqueName(write, `a credential named "${name}" already exists`);
}
