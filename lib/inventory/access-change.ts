/**
 * What a node's latest checks depended on: its address, login, sudo, bastion, role and registry.
 * A change to any of them is recorded (when, and what), so results older than it read as stale.
 */
import type { Database } from "./db";
import type { NodeColumns, NodeRow } from "./node-row";

export interface AccessChangeRecord {
  at: string;
  what: string[];
}

/** Each thing the checks look at, and the columns that hold it. */
const WATCHED: [string, (keyof NodeColumns)[]][] = [
  ["address", ["address", "port"]],
  ["credentials", ["ssh_user", "auth_kind", "auth_secret", "auth_passphrase", "credential_id"]],
  ["sudo", ["sudo_mode", "sudo_password"]],
  ["bastion", ["bastion", "bastion_secret", "bastion_passphrase"]],
  ["expected host key", ["expected_fingerprint"]],
  ["role", ["role"]],
  ["registry address", ["registry_address"]],
];

/** What `changes` alters of the watched columns of `row` (a new secret always counts). */
export function accessChangeOf(row: NodeRow, changes: Partial<NodeColumns>): string[] {
  return WATCHED.filter(([, columns]) =>
    columns.some((column) => column in changes && changes[column] !== row[column]),
  ).map(([what]) => what);
}

/** The columns that record a change of `what` at `at`. */
export function accessChangeColumns(what: string[], at: string): Partial<NodeColumns> {
  return { access_changed_at: at, access_change: JSON.stringify(what) };
}

/** Every node's last recorded access change, by name. */
export function accessChanges({ db }: { db: Database }): Map<string, AccessChangeRecord> {
  const rows = db
    .prepare(
      "SELECT name, access_changed_at AS at, access_change AS what FROM nodes WHERE access_changed_at IS NOT NULL",
    )
    .all() as { name: string; at: string; what: string | null }[];
  return new Map(
    rows.map((row) => [row.name, { at: row.at, what: JSON.parse(row.what ?? "[]") as string[] }]),
  );
}
