/** PATCH semantics for a stored node: omitted = unchanged, a new auth replaces the stored secret. */
import { bastionColumns, bastionJson, nodeAuthColumns, sudoColumns } from "./node-columns";
import type { BastionJson, NodeColumns, NodeRow } from "./node-row";
import type { NodePatch } from "./schema";
import type { SecretKey } from "./secrets";
import type { BastionInput } from "./types";

/** credentialId: the credential the patch assigns (null: none), undefined when it does not say */
export function patchColumns(
  row: NodeRow,
  patch: NodePatch,
  key: SecretKey,
  credentialId?: number | null,
): Partial<NodeColumns> {
  const changes: Partial<NodeColumns> = {};
  if (credentialId !== undefined) changes.credential_id = credentialId;
  // the node's own auth or sudo given: it uses its own access again
  else if (patch.auth !== undefined || patch.sudo !== undefined) changes.credential_id = null;
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.address !== undefined) changes.address = patch.address;
  if (patch.port !== undefined) changes.port = patch.port;
  if (patch.user !== undefined) changes.ssh_user = patch.user;
  if (patch.role !== undefined) changes.role = patch.role;
  if (patch.registryAddress !== undefined) changes.registry_address = patch.registryAddress;
  if (patch.labels !== undefined) changes.labels = JSON.stringify(patch.labels);
  if (patch.expectedFingerprint !== undefined) {
    changes.expected_fingerprint = patch.expectedFingerprint;
  }
  if (patch.auth !== undefined) Object.assign(changes, nodeAuthColumns(patch.auth, key));
  if (patch.sudo !== undefined) Object.assign(changes, sudoColumns(patch.sudo, key));
  if (patch.bastion !== undefined) Object.assign(changes, bastionPatch(row, patch.bastion, key));
  // Another address or port is another host: its pinned key is a new trust decision.
  const moved =
    (changes.address ?? row.address) !== row.address || (changes.port ?? row.port) !== row.port;
  if (moved) {
    changes.host_key_type = null;
    changes.host_key_fingerprint = null;
    changes.host_key_trusted_at = null;
  }
  return changes;
}

function bastionPatch(row: NodeRow, bastion: BastionInput | null, key: SecretKey) {
  if (bastion === null) return bastionColumns(null, key);
  const before = row.bastion === null ? null : (JSON.parse(row.bastion) as BastionJson);
  const sameHost = before?.address === bastion.address && before.port === (bastion.port ?? 22);
  const hostKey = sameHost ? row.bastion_host_key : null;
  if (bastion.auth !== undefined || before === null) {
    return { ...bastionColumns(bastion, key), bastion_host_key: hostKey };
  }
  // No auth in the patch: keep the stored bastion secret and its kind.
  return { bastion: bastionJson(bastion, before.authKind), bastion_host_key: hostKey };
}
