/**
 * How the console reaches the registry of its settings: directly, or through the SSH connection of
 * the node named `via` (a direct-tcpip channel per connection). Server-only: holds secrets.
 */
import { AppError } from "@/lib/errors";
import { nodeAccess } from "@/lib/fleet/node-access";
import type { Database } from "@/lib/inventory/db";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { registryConnection } from "@/lib/inventory/registry-settings";
import type { SecretKey } from "@/lib/inventory/secrets";
import { hostnameOf } from "@/lib/render/registry-host";
import { SshSession } from "@/lib/ssh/client";
import { SshError } from "@/lib/ssh/errors";
import type { RegistryConnection } from "./client";
import { type RegistryTestResult, testRegistry } from "./probe";
import type { EffectiveRegistry } from "./settings";

export interface RegistryReach {
  connection: RegistryConnection;
  effective: EffectiveRegistry;
  /** closes the SSH connection of `via`, if one was opened */
  close(): void;
}

export async function reachRegistry({
  db,
  key,
}: {
  db: Database;
  key: SecretKey;
}): Promise<RegistryReach> {
  const { connection, effective } = registryConnection({ db, key });
  if (!effective.via) return { connection, effective, close: () => {} };
  const session = await openVia(db, key, effective.via);
  const { host, port } = hostPort(effective);
  return {
    connection: { ...connection, connect: () => session.forwardOut(host, port) },
    effective,
    close: () => session.close(),
  };
}

/** POST /api/registry/test: the stored settings tried, through `via` when set. */
export async function testRegistrySettings(inventory: {
  db: Database;
  key: SecretKey;
}): Promise<RegistryTestResult> {
  let reach: RegistryReach;
  try {
    reach = await reachRegistry(inventory);
  } catch (error) {
    if (!(error instanceof SshError || error instanceof AppError)) throw error;
    const { connection, effective } = registryConnection(inventory);
    return {
      ok: false,
      url: connection.url,
      via: effective.via,
      reachable: false,
      tls: "not used",
      auth: "unknown",
      v2: null,
      summary: `The node ${effective.via} to reach the registry through cannot be used: ${error.message}`,
    };
  }
  try {
    return await testRegistry(reach.connection, reach.effective.via);
  } finally {
    reach.close();
  }
}

async function openVia(db: Database, key: SecretKey, name: string): Promise<SshSession> {
  // a tunnel needs no root: whatever sudo mode the node has does not matter here
  const access = nodeAccess(nodeConnection({ db, key, name }), "unused");
  if (!access.ok) {
    throw new AppError(
      "conflict:registry",
      `the registry is reached through node ${name}: ${access.reason}`,
    );
  }
  const { hostKey } = access.endpoint;
  if (!hostKey.pinned && !hostKey.expected) {
    throw new AppError(
      "conflict:registry",
      `the registry is reached through node ${name}, whose host key is not trusted yet: trust it on the Fleet page first`,
    );
  }
  return SshSession.open(access.endpoint, { bastion: access.bastion ?? undefined });
}

function hostPort(effective: EffectiveRegistry): { host: string; port: number } {
  const host = hostnameOf(effective.address);
  const rest = effective.address.slice(effective.address.lastIndexOf("]") + 1);
  const colon = rest.lastIndexOf(":");
  const port =
    colon === -1 ? (effective.scheme === "https" ? 443 : 80) : Number(rest.slice(colon + 1));
  return { host, port };
}
