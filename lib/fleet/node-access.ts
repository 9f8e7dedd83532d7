import { HttpError } from "@/lib/http/errors";
import type { NodeConnection } from "@/lib/inventory/node-connection";
import type { NodePublic } from "@/lib/inventory/types";
import type { SshAuth, SshEndpoint } from "@/lib/ssh/client";
import type { Privilege } from "@/lib/ssh/privilege";

/** Everything needed to open a root shell on a node, or why it cannot be opened yet. */
export type NodeAccess =
  | {
      ok: true;
      endpoint: SshEndpoint;
      bastion: SshEndpoint | null;
      privilege: Privilege;
      sudoPassword: string | null;
    }
  | { ok: false; problem: "credentials" | "sudo"; reason: string };

/** Maps a stored node to SSH endpoints; `askedSudo` is a sudo password given for this run only. */
export function nodeAccess(connection: NodeConnection, askedSudo: string | undefined): NodeAccess {
  if (!connection.auth) {
    return {
      ok: false,
      problem: "credentials",
      reason: "no private key or password is stored for this node: edit it to add one",
    };
  }
  if (connection.bastion && !connection.bastion.auth) {
    return {
      ok: false,
      problem: "credentials",
      reason: "no private key or password is stored for the bastion",
    };
  }
  const sudo = privilegeOf(connection, askedSudo);
  if (!sudo) {
    return {
      ok: false,
      problem: "sudo",
      reason: "this node's sudo password is asked at run time: enter it to continue",
    };
  }
  const { bastion } = connection;
  return {
    ok: true,
    endpoint: endpoint(
      connection.address,
      connection.port,
      connection.user,
      connection.auth,
      connection.hostKey?.fingerprint ?? null,
      connection.expectedFingerprint,
    ),
    bastion: bastion?.auth
      ? endpoint(
          bastion.address,
          bastion.port,
          bastion.user,
          bastion.auth,
          bastion.hostKey?.fingerprint ?? null,
          null,
        )
      : null,
    ...sudo,
  };
}

function privilegeOf(
  connection: NodeConnection,
  asked: string | undefined,
): { privilege: Privilege; sudoPassword: string | null } | null {
  switch (connection.sudo.mode) {
    case "none":
      return { privilege: "root", sudoPassword: null };
    case "passwordless":
      return { privilege: "sudo", sudoPassword: null };
    case "stored":
      return { privilege: "sudo-password", sudoPassword: connection.sudo.password };
    case "ask":
      return asked ? { privilege: "sudo-password", sudoPassword: asked } : null;
  }
}

function endpoint(
  host: string,
  port: number,
  username: string,
  auth: SshAuth,
  pinned: string | null,
  expected: string | null,
): SshEndpoint {
  return { host, port, username, auth, hostKey: { pinned, expected } };
}

/** The named nodes (or all), refusing names the inventory does not have. */
export function selectNodes(all: NodePublic[], wanted: string[] | "all"): NodePublic[] {
  if (wanted === "all") return all;
  const unknown = wanted.filter((name) => !all.some((node) => node.name === name));
  if (unknown.length > 0) throw new HttpError(404, `no such node: ${unknown.join(", ")}`);
  return all.filter((node) => wanted.includes(node.name));
}
