import { createHash } from "node:crypto";
import { normaliseFingerprint } from "@/lib/inventory/fields";

export interface PresentedHostKey {
  type: string;
  /** SHA256:<base64, no padding>, as OpenSSH prints it */
  fingerprint: string;
}

/** Type and OpenSSH-style fingerprint of a raw SSH public key blob. */
export function describeHostKey(blob: Buffer): PresentedHostKey {
  const typeLength = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = blob.subarray(4, 4 + typeLength).toString("ascii") || "unknown";
  const fingerprint = `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
  return { type, fingerprint };
}

/** What the console knows of a host's key before connecting. */
export interface HostKeyPolicy {
  /** the trusted key: anything else is refused */
  pinned: string | null;
  /** pasted by the user before the first connection: accepted (and then pinned) only if it matches */
  expected: string | null;
}

export type HostKeyVerdict = "accept" | "unknown" | "changed" | "mismatch";

export function judgeHostKey(presented: PresentedHostKey, policy: HostKeyPolicy): HostKeyVerdict {
  if (policy.pinned) return policy.pinned === presented.fingerprint ? "accept" : "changed";
  if (policy.expected)
    return normaliseFingerprint(policy.expected) === presented.fingerprint ? "accept" : "mismatch";
  return "unknown";
}
