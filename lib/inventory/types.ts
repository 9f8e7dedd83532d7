/** The fleet inventory's shapes. Secrets only ever travel inward: *Input types carry them, public types never do. */
import type { NodeRole } from "@/lib/render/types";

export type { NodeRole };

export type SshAuthInput =
  | { kind: "key"; privateKey: string; passphrase?: string }
  | { kind: "password"; password: string }
  | { kind: "agent" };

/** How a non-root user becomes root. "ask" = the sudo password is asked at run time and kept in memory only. */
export type SudoInput =
  | { mode: "none" } // the user is root
  | { mode: "passwordless" }
  | { mode: "stored"; password: string }
  | { mode: "ask" };

export interface HostKeyPin {
  /** ssh key type, e.g. ssh-ed25519 */
  type: string;
  /** "SHA256:<base64 without padding>", as OpenSSH prints it */
  fingerprint: string;
  trustedAt: string;
}

export interface BastionInput {
  address: string;
  port?: number;
  user: string;
  /** omitted on PATCH = keep the stored secret */
  auth?: SshAuthInput;
}

export interface NodeInput {
  name: string;
  address: string;
  port?: number; // default 22
  user?: string; // default root
  role: NodeRole;
  /** host:port this node uses for the registry; default from the fleet settings */
  registryAddress?: string | null;
  labels?: Record<string, string>;
  bastion?: BastionInput | null;
  /** omitted on PATCH = keep the stored secret */
  auth?: SshAuthInput;
  sudo?: SudoInput;
  /** a stored credential's name: the node logs in and becomes root with it (instead of auth and sudo) */
  credential?: string | null;
  /** a fingerprint the user pasted beforehand: the first connection must present exactly this key */
  expectedFingerprint?: string | null;
}

/** What the API and UI see of a node: no secret, not even masked. */
export interface NodePublic {
  name: string;
  address: string;
  port: number;
  user: string;
  role: NodeRole;
  registryAddress: string | null;
  labels: Record<string, string>;
  bastion: {
    address: string;
    port: number;
    user: string;
    auth: AuthSummary;
    hostKey: HostKeyPin | null;
  } | null;
  /** the credential's when the node uses one */
  auth: AuthSummary;
  sudo: { mode: SudoInput["mode"] };
  /** the stored credential the node uses, or null for its own auth and sudo */
  credential: string | null;
  hostKey: HostKeyPin | null;
  expectedFingerprint: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A stored credential as the API shows it: what is stored, never the secret. */
export interface CredentialPublic {
  name: string;
  auth: AuthSummary;
  sudo: { mode: SudoInput["mode"]; hasPassword: boolean };
  /** the nodes that use it, by name */
  nodes: string[];
  createdAt: string;
  updatedAt: string;
}

export interface AuthSummary {
  kind: SshAuthInput["kind"];
  /** a key or password is stored (never its content) */
  hasSecret: boolean;
  hasPassphrase: boolean;
}

export type CheckStatus = "pass" | "warn" | "fail";

export interface CheckResult {
  node: string;
  /** stable id, e.g. "ssh.reachable", "os.release", "registry.reachable" */
  check: string;
  title: string;
  status: CheckStatus;
  /** one line a person reads first */
  reason: string;
  /** the raw evidence (command output, URLs) a person can expand */
  evidence: string;
  at: string;
  override: { reason: string; at: string } | null;
}
