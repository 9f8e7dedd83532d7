/** The nodes table row and its public view. Secret columns never leave this layer unencrypted. */
import type { Database } from "./db";
import type {
  AuthSummary,
  HostKeyPin,
  NodePublic,
  NodeRole,
  SshAuthInput,
  SudoInput,
} from "./types";

export interface NodeRow {
  id: number;
  name: string;
  address: string;
  port: number;
  ssh_user: string;
  role: NodeRole;
  registry_address: string | null;
  labels: string;
  auth_kind: SshAuthInput["kind"];
  auth_secret: string | null;
  auth_passphrase: string | null;
  sudo_mode: SudoInput["mode"];
  sudo_password: string | null;
  bastion: string | null;
  bastion_secret: string | null;
  bastion_passphrase: string | null;
  bastion_host_key: string | null;
  host_key_type: string | null;
  host_key_fingerprint: string | null;
  host_key_trusted_at: string | null;
  expected_fingerprint: string | null;
  /** set: the node's auth and sudo are this credential's */
  credential_id: number | null;
  created_at: string;
  updated_at: string;
  /** the last change of what the checks look at (see access-change.ts); absent on insert */
  access_changed_at?: string | null;
  access_change?: string | null;
}

/** The columns that say how a node logs in and becomes root: its own, or its credential's. */
export interface AccessColumns {
  auth_kind: SshAuthInput["kind"];
  auth_secret: string | null;
  auth_passphrase: string | null;
  sudo_mode: SudoInput["mode"];
  sudo_password: string | null;
}

/** A node with the credential it uses, if any. */
export interface NodeView {
  row: NodeRow;
  credential: (AccessColumns & { name: string }) | null;
}

/** The bastion column: where and who, never a secret. */
export interface BastionJson {
  address: string;
  port: number;
  user: string;
  authKind: SshAuthInput["kind"];
}

export type NodeColumns = Omit<NodeRow, "id">;

export function readNodeRow(db: Database, name: string): NodeRow | undefined {
  return db.prepare("SELECT * FROM nodes WHERE name = ?").get(name) as NodeRow | undefined;
}

const VIEW_SQL = `SELECT nodes.*, c.name AS c_name, c.auth_kind AS c_auth_kind,
  c.auth_secret AS c_auth_secret, c.auth_passphrase AS c_auth_passphrase,
  c.sudo_mode AS c_sudo_mode, c.sudo_password AS c_sudo_password
  FROM nodes LEFT JOIN credentials c ON c.id = nodes.credential_id`;

export function readNodeView(db: Database, name: string): NodeView | undefined {
  const joined = db.prepare(`${VIEW_SQL} WHERE nodes.name = ?`).get(name);
  return joined ? splitView(joined as Record<string, unknown>) : undefined;
}

export function listNodeViews(db: Database): NodeView[] {
  const rows = db.prepare(`${VIEW_SQL} ORDER BY nodes.name`).all() as Record<string, unknown>[];
  return rows.map(splitView);
}

function splitView(joined: Record<string, unknown>): NodeView {
  const row: Record<string, unknown> = {};
  const credential: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(joined)) {
    if (column.startsWith("c_")) credential[column.slice(2)] = value;
    else row[column] = value;
  }
  return {
    row: row as unknown as NodeRow,
    credential: credential.name ? (credential as unknown as NodeView["credential"]) : null,
  };
}

/** How the node logs in and becomes root: its credential's columns when it has one. */
export function accessOf({ row, credential }: NodeView): AccessColumns {
  return credential ?? row;
}

export function rowToPublic(view: NodeView): NodePublic {
  const { row } = view;
  const access = accessOf(view);
  const bastion = row.bastion === null ? null : (JSON.parse(row.bastion) as BastionJson);
  return {
    name: row.name,
    address: row.address,
    port: row.port,
    user: row.ssh_user,
    role: row.role,
    registryAddress: row.registry_address,
    labels: JSON.parse(row.labels) as Record<string, string>,
    bastion: bastion && {
      address: bastion.address,
      port: bastion.port,
      user: bastion.user,
      auth: summary(bastion.authKind, row.bastion_secret, row.bastion_passphrase),
      hostKey:
        row.bastion_host_key === null ? null : (JSON.parse(row.bastion_host_key) as HostKeyPin),
    },
    auth: summary(access.auth_kind, access.auth_secret, access.auth_passphrase),
    sudo: { mode: access.sudo_mode },
    credential: view.credential?.name ?? null,
    hostKey:
      row.host_key_type && row.host_key_fingerprint && row.host_key_trusted_at
        ? {
            type: row.host_key_type,
            fingerprint: row.host_key_fingerprint,
            trustedAt: row.host_key_trusted_at,
          }
        : null,
    expectedFingerprint: row.expected_fingerprint,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function summary(
  kind: SshAuthInput["kind"],
  secret: string | null,
  passphrase: string | null,
): AuthSummary {
  return { kind, hasSecret: secret !== null, hasPassphrase: passphrase !== null };
}
