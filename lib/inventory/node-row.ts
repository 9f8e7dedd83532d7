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
  created_at: string;
  updated_at: string;
  /** the last change of what the checks look at (see access-change.ts); absent on insert */
  access_changed_at?: string | null;
  access_change?: string | null;
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

export function rowToPublic(row: NodeRow): NodePublic {
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
    auth: summary(row.auth_kind, row.auth_secret, row.auth_passphrase),
    sudo: { mode: row.sudo_mode },
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
