/** Validated node input → nodes table columns, encrypting every secret on the way in. */
import type { BastionJson, NodeColumns } from "./node-row";
import { encryptSecret, type SecretKey } from "./secrets";
import type { BastionInput, NodeInput, SshAuthInput, SudoInput } from "./types";

interface AuthColumns {
  kind: SshAuthInput["kind"];
  secret: string | null;
  passphrase: string | null;
}

/** No auth given = a key is expected but not uploaded yet (shown as kind "key", hasSecret false). */
export function authColumns(auth: SshAuthInput | undefined, key: SecretKey): AuthColumns {
  if (!auth) return { kind: "key", secret: null, passphrase: null };
  switch (auth.kind) {
    case "key":
      return {
        kind: "key",
        secret: encryptSecret(key, auth.privateKey),
        passphrase: auth.passphrase ? encryptSecret(key, auth.passphrase) : null,
      };
    case "password":
      return { kind: "password", secret: encryptSecret(key, auth.password), passphrase: null };
    case "agent":
      return { kind: "agent", secret: null, passphrase: null };
  }
}

export function nodeAuthColumns(auth: SshAuthInput | undefined, key: SecretKey) {
  const { kind, secret, passphrase } = authColumns(auth, key);
  return { auth_kind: kind, auth_secret: secret, auth_passphrase: passphrase };
}

/** Root needs no sudo; anyone else is assumed to have passwordless sudo until told otherwise. */
function defaultSudo(user: string): SudoInput {
  return user === "root" ? { mode: "none" } : { mode: "passwordless" };
}

export function sudoColumns(sudo: SudoInput, key: SecretKey) {
  return {
    sudo_mode: sudo.mode,
    sudo_password: sudo.mode === "stored" ? encryptSecret(key, sudo.password) : null,
  };
}

export function bastionJson(bastion: BastionInput, authKind: SshAuthInput["kind"]): string {
  const json: BastionJson = {
    address: bastion.address,
    port: bastion.port ?? 22,
    user: bastion.user,
    authKind,
  };
  return JSON.stringify(json);
}

export function bastionColumns(bastion: BastionInput | null | undefined, key: SecretKey) {
  if (!bastion) {
    return {
      bastion: null,
      bastion_secret: null,
      bastion_passphrase: null,
      bastion_host_key: null,
    };
  }
  const auth = authColumns(bastion.auth, key);
  return {
    bastion: bastionJson(bastion, auth.kind),
    bastion_secret: auth.secret,
    bastion_passphrase: auth.passphrase,
    bastion_host_key: null,
  };
}

/** Every column of a new node (validated input). */
export function newNodeColumns(node: NodeInput, key: SecretKey, now: string): NodeColumns {
  const user = node.user ?? "root";
  return {
    name: node.name,
    address: node.address,
    port: node.port ?? 22,
    ssh_user: user,
    role: node.role,
    registry_address: node.registryAddress ?? null,
    labels: JSON.stringify(node.labels ?? {}),
    ...nodeAuthColumns(node.auth, key),
    ...sudoColumns(node.sudo ?? defaultSudo(user), key),
    ...bastionColumns(node.bastion, key),
    host_key_type: null,
    host_key_fingerprint: null,
    host_key_trusted_at: null,
    expected_fingerprint: node.expectedFingerprint ?? null,
    credential_id: null,
    created_at: now,
    updated_at: now,
  };
}
