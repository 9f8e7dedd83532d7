/** What the SSH client needs to reach a node, with its secrets decrypted. Server-only. */
import type { Database } from "./db";
import { notFound } from "./errors";
import {
  type AccessColumns,
  accessOf,
  type BastionJson,
  readNodeView,
  rowToPublic,
} from "./node-row";
import { decryptSecret, SecretDecryptError, type SecretKey } from "./secrets";
import type { HostKeyPin, SshAuthInput, SudoInput } from "./types";

/**
 * NEVER serialise this to a client, a log or an event: it carries decrypted keys and passwords.
 * JSON.stringify and console.log of it print only the node name (see redact()).
 */
export interface NodeConnection {
  name: string;
  address: string;
  port: number;
  user: string;
  /** null: no key or password has been uploaded yet, the node cannot be reached */
  auth: SshAuthInput | null;
  /** "ask": the caller must prompt for the password and keep it in memory only */
  sudo: SudoInput;
  bastion: {
    address: string;
    port: number;
    user: string;
    auth: SshAuthInput | null;
    hostKey: HostKeyPin | null;
  } | null;
  /** the pinned key; null = not trusted yet (compare with expectedFingerprint on first use) */
  hostKey: HostKeyPin | null;
  expectedFingerprint: string | null;
}

export function nodeConnection({
  db,
  key,
  name,
}: {
  db: Database;
  key: SecretKey;
  name: string;
}): NodeConnection {
  const view = readNodeView(db, name);
  if (!view) throw notFound(name);
  const { row } = view;
  const pub = rowToPublic(view);
  const access = accessOf(view);
  const bastion = row.bastion === null ? null : (JSON.parse(row.bastion) as BastionJson);
  const open = (value: string | null) => {
    if (value === null) return null;
    try {
      return decryptSecret(key, value);
    } catch (error) {
      if (!(error instanceof SecretDecryptError)) throw error;
      throw new SecretDecryptError(
        `${error.reason} — node ${name}: enter its key or password again on the Fleet page (or put back the data folder's secret.key it was stored with)`,
      );
    }
  };
  const connection: NodeConnection = {
    name: row.name,
    address: row.address,
    port: row.port,
    user: row.ssh_user,
    auth: auth(access.auth_kind, open(access.auth_secret), open(access.auth_passphrase)),
    sudo: sudo(access, open(access.sudo_password)),
    bastion: bastion && {
      address: bastion.address,
      port: bastion.port,
      user: bastion.user,
      auth: auth(bastion.authKind, open(row.bastion_secret), open(row.bastion_passphrase)),
      hostKey: pub.bastion?.hostKey ?? null,
    },
    hostKey: pub.hostKey,
    expectedFingerprint: row.expected_fingerprint,
  };
  return redact(connection);
}

function auth(
  kind: SshAuthInput["kind"],
  secret: string | null,
  passphrase: string | null,
): SshAuthInput | null {
  if (kind === "agent") return { kind };
  if (secret === null) return null;
  if (kind === "password") return { kind, password: secret };
  return passphrase === null
    ? { kind, privateKey: secret }
    : { kind, privateKey: secret, passphrase };
}

function sudo(access: AccessColumns, password: string | null): SudoInput {
  if (access.sudo_mode !== "stored") return { mode: access.sudo_mode };
  // a stored mode without its password cannot happen through the store; asking is the safe fallback
  return password === null ? { mode: "ask" } : { mode: "stored", password };
}

/** Non-enumerable guards so an accidental JSON.stringify / console.log shows no secret. */
function redact(connection: NodeConnection): NodeConnection {
  const shown = () => ({ name: connection.name, redacted: "NodeConnection" });
  Object.defineProperty(connection, "toJSON", { value: shown, enumerable: false });
  Object.defineProperty(connection, Symbol.for("nodejs.util.inspect.custom"), {
    value: shown,
    enumerable: false,
  });
  return connection;
}
