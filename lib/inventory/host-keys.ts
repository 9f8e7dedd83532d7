/** Host key pins (trust on first use, or checked against a fingerprint pasted beforehand). */
import type { Database } from "./db";
import { InventoryError, notFound, parseOrThrow } from "./errors";
import { readNodeRow } from "./node-row";
import { refuseSameHost } from "./same-host";
import { HostKeySchema } from "./schema";
import type { HostKeyPin } from "./types";

export interface HostKeyInput {
  type: string;
  fingerprint: string;
}

/** Pins the node's host key. Refused when it differs from the fingerprint the user pasted. */
export function pinHostKey({
  db,
  name,
  hostKey,
}: {
  db: Database;
  name: string;
  hostKey: HostKeyInput;
}): HostKeyPin {
  const { type, fingerprint } = parseOrThrow(HostKeySchema, hostKey);
  const row = readNodeRow(db, name);
  if (!row) throw notFound(name);
  if (row.expected_fingerprint !== null && row.expected_fingerprint !== fingerprint) {
    throw new InventoryError(
      "conflict",
      `${name} presented ${fingerprint}, not the expected ${row.expected_fingerprint}`,
      [{ field: "fingerprint", message: "does not match the expected fingerprint" }],
    );
  }
  refuseSameHost(db, { ...row, host_key_fingerprint: fingerprint }, { id: row.id, keysOnly: true });
  const pin: HostKeyPin = { type, fingerprint, trustedAt: new Date().toISOString() };
  db.prepare(
    `UPDATE nodes SET host_key_type = ?, host_key_fingerprint = ?, host_key_trusted_at = ?,
       updated_at = ? WHERE id = ?`,
  ).run(type, fingerprint, pin.trustedAt, pin.trustedAt, row.id);
  return pin;
}

/** Forgets the pinned key: the next connection is a new trust decision. */
export function clearHostKey({ db, name }: { db: Database; name: string }): void {
  const { changes } = db
    .prepare(
      `UPDATE nodes SET host_key_type = NULL, host_key_fingerprint = NULL,
         host_key_trusted_at = NULL, updated_at = ? WHERE name = ?`,
    )
    .run(new Date().toISOString(), name);
  if (changes === 0) throw notFound(name);
}

/** Pins (or with null, forgets) the key of the node's bastion. */
export function setBastionHostKey({
  db,
  name,
  hostKey,
}: {
  db: Database;
  name: string;
  hostKey: HostKeyInput | null;
}): HostKeyPin | null {
  const valid = hostKey === null ? null : parseOrThrow(HostKeySchema, hostKey);
  const row = readNodeRow(db, name);
  if (!row) throw notFound(name);
  if (row.bastion === null) {
    throw new InventoryError("invalid", `${name} has no bastion`, [
      { field: "bastion", message: "not set" },
    ]);
  }
  const now = new Date().toISOString();
  const pin: HostKeyPin | null = valid && { ...valid, trustedAt: now };
  db.prepare("UPDATE nodes SET bastion_host_key = ?, updated_at = ? WHERE id = ?").run(
    pin && JSON.stringify(pin),
    now,
    row.id,
  );
  return pin;
}
