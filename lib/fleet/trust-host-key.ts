import type { Database } from "@/lib/inventory/db";
import { InventoryError } from "@/lib/inventory/errors";
import { normaliseFingerprint } from "@/lib/inventory/fields";
import { pinHostKey, setBastionHostKey } from "@/lib/inventory/host-keys";
import { type NodeConnection, nodeConnection } from "@/lib/inventory/node-connection";
import { getNode } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import type { NodePublic } from "@/lib/inventory/types";
import { readHostKey, type SshEndpoint } from "@/lib/ssh/client";

interface TrustRequest {
  db: Database;
  key: SecretKey;
  name: string;
  fingerprint: string;
}

/**
 * The user accepts the fingerprint they were shown. It is pinned only if the host — or its
 * bastion, when the shown key is the bastion's — presents exactly that key right now. Only the
 * handshake is read: no credential or command is sent.
 */
export async function trustHostKey({
  db,
  key,
  name,
  fingerprint,
}: TrustRequest): Promise<NodePublic> {
  const wanted = normaliseFingerprint(fingerprint);
  const connection = nodeConnection({ db, key, name });
  const bastion = bastionEndpoint(connection);
  if (bastion) {
    const presented = await readHostKey(bastion);
    if (presented.fingerprint === wanted) {
      setBastionHostKey({ db, name, hostKey: presented });
      return getNode({ db, name }) as NodePublic;
    }
    if (presented.fingerprint !== bastion.hostKey.pinned) {
      throw conflict(
        `trust the bastion first: ${bastion.host} presents ${presented.type} ${presented.fingerprint}`,
      );
    }
  }
  const target = { host: connection.address, port: connection.port, username: connection.user };
  const presented = await readHostKey(target, { bastion });
  if (presented.fingerprint !== wanted) {
    throw conflict(
      `${name} now presents ${presented.type} ${presented.fingerprint}, not ${wanted}: nothing was trusted`,
    );
  }
  pinHostKey({ db, name, hostKey: presented });
  return getNode({ db, name }) as NodePublic;
}

function bastionEndpoint(connection: NodeConnection): SshEndpoint | undefined {
  const bastion = connection.bastion;
  if (!bastion?.auth) return undefined;
  return {
    host: bastion.address,
    port: bastion.port,
    username: bastion.user,
    auth: bastion.auth,
    hostKey: { pinned: bastion.hostKey?.fingerprint ?? null, expected: null },
  };
}

function conflict(message: string): InventoryError {
  return new InventoryError("conflict", message, [
    { field: "fingerprint", message: "does not match" },
  ]);
}
