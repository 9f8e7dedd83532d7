/** The node store: CRUD over the nodes table. Reads return NodePublic, which holds no secret. */
import { accessChangeColumns, accessChangeOf } from "./access-change";
import { credentialId } from "./credentials";
import type { Database } from "./db";
import { InventoryError, notFound, parseOrThrow, writeUniqueName } from "./errors";
import { newNodeColumns } from "./node-columns";
import { patchColumns } from "./node-patch";
import {
  listNodeViews,
  type NodeColumns,
  readNodeRow,
  readNodeView,
  rowToPublic,
} from "./node-row";
import { refuseSameHost } from "./same-host";
import {
  HostAddressSchema,
  NodeInputSchema,
  NodeNameSchema,
  type NodePatch,
  NodePatchSchema,
} from "./schema";
import type { SecretKey } from "./secrets";
import type { NodeInput, NodePublic } from "./types";

export function createNode({
  db,
  key,
  input,
}: {
  db: Database;
  key: SecretKey;
  input: NodeInput;
}): NodePublic {
  const node = parseOrThrow(NodeInputSchema, input);
  const columns = newNodeColumns(node, key, new Date().toISOString());
  insertNode(db, { ...columns, credential_id: assignedCredential(db, node) ?? null });
  return requireNode(db, node.name);
}

export function updateNode({
  db,
  key,
  name,
  patch,
}: {
  db: Database;
  key: SecretKey;
  name: string;
  patch: NodePatch;
}): NodePublic {
  const valid = parseOrThrow(NodePatchSchema, patch);
  return db.transaction(() => {
    const row = readNodeRow(db, name);
    if (!row) throw notFound(name);
    const changes = patchColumns(row, valid, key, assignedCredential(db, valid));
    if (HOST_COLUMNS.some((column) => column in changes))
      refuseSameHost(db, { ...row, ...changes }, { id: row.id });
    if (Object.keys(changes).length > 0) {
      changes.updated_at = new Date().toISOString();
      const what = accessChangeOf(row, changes);
      if (what.length > 0) Object.assign(changes, accessChangeColumns(what, changes.updated_at));
      // column names come from patchColumns, never from the request
      const assignments = Object.keys(changes).map((column) => `${column} = @${column}`);
      const sql = `UPDATE nodes SET ${assignments.join(", ")} WHERE id = @id`;
      runWrite(() => db.prepare(sql).run({ ...changes, id: row.id }), changes.name ?? name);
    }
    return requireNode(db, changes.name ?? name);
  })();
}

export function deleteNode({ db, name }: { db: Database; name: string }): void {
  // check results and overrides go with it (ON DELETE CASCADE)
  const { changes } = db.prepare("DELETE FROM nodes WHERE name = ?").run(name);
  if (changes === 0) throw notFound(name);
}

export function getNode({ db, name }: { db: Database; name: string }): NodePublic | null {
  const view = readNodeView(db, name);
  return view ? rowToPublic(view) : null;
}

export function listNodes({ db }: { db: Database }): NodePublic[] {
  return listNodeViews(db).map(rowToPublic);
}

/**
 * The credential an input assigns: its id, null to go back to the node's own access, undefined
 * when the input does not say. A node uses a credential or its own auth and sudo, never both.
 */
function assignedCredential(db: Database, input: NodePatch): number | null | undefined {
  if (input.credential === undefined || input.credential === null) return input.credential;
  if (input.auth !== undefined || input.sudo !== undefined) {
    throw new InventoryError(
      "invalid",
      "credential: a node uses a credential or its own auth and sudo, not both",
      [
        {
          field: "credential",
          message: "a node uses a credential or its own auth and sudo, not both",
        },
      ],
    );
  }
  return credentialId(db, input.credential);
}

/**
 * A copy under a new name, with the same access (secrets included). The host key pin and the
 * expected fingerprint are not copied: they belong to the original host.
 */
/** A copy of node `name` under `newName` (and at `address`, when given), in one transaction. */
export function duplicateNode({
  db,
  name,
  newName,
  address,
}: {
  db: Database;
  name: string;
  newName: string;
  address?: string;
}): NodePublic {
  const validName = parseOrThrow(NodeNameSchema, newName);
  const validAddress = address === undefined ? undefined : parseOrThrow(HostAddressSchema, address);
  return db.transaction(() => {
    const row = readNodeRow(db, name);
    if (!row) throw notFound(name);
    const { id: _id, ...columns } = row;
    const now = new Date().toISOString();
    insertNode(db, {
      ...columns,
      name: validName,
      address: validAddress ?? columns.address,
      host_key_type: null,
      host_key_fingerprint: null,
      host_key_trusted_at: null,
      expected_fingerprint: null,
      created_at: now,
      updated_at: now,
    });
    return requireNode(db, validName);
  })();
}

/** The columns that say which host a node is. */
const HOST_COLUMNS = ["address", "port", "bastion", "expected_fingerprint"] as const;

function insertNode(db: Database, columns: NodeColumns): void {
  refuseSameHost(db, columns);
  const names = Object.keys(columns);
  const sql = `INSERT INTO nodes (${names.join(", ")}) VALUES (${names.map((n) => `@${n}`).join(", ")})`;
  runWrite(() => db.prepare(sql).run(columns), columns.name);
}

/** Runs a write, turning a taken name into a typed conflict. */
function runWrite(write: () => unknown, name: string): void {
  writeUniqueName(write, `a node named "${name}" already exists`);
}

function requireNode(db: Database, name: string): NodePublic {
  const node = getNode({ db, name });
  if (!node) throw notFound(name);
  return node;
}
