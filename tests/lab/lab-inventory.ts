import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { createNode } from "@/lib/inventory/nodes";
import { loadSecretKey, type SecretKey } from "@/lib/inventory/secrets";
import type { NodeInput } from "@/lib/inventory/types";
import type { SshHost, SshLab } from "./ssh-hosts";

/** A fresh data folder with the console's database and secret key in it, as a console opens them. */
export function labInventory(prefix: string): { dir: string; db: Database; key: SecretKey } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, db: openDatabase(dir), key: loadSecretKey(dir) };
}

/** What a test sets on a lab node: its role, and anything else it wants other than the defaults. */
export type LabNodeInput = Pick<NodeInput, "role"> & Partial<NodeInput>;

/**
 * One node per lab host, named after it: root by the lab's ed25519 key, the host's fingerprint
 * expected; `more` sets the role and anything else per host.
 */
export function addLabNodes(
  inventory: { db: Database; key: SecretKey },
  lab: SshLab,
  more: (host: SshHost) => LabNodeInput,
): void {
  for (const host of lab.hosts) {
    createNode({
      ...inventory,
      input: {
        name: host.name,
        address: host.address,
        auth: { kind: "key", privateKey: lab.keys.ed25519.privateKey },
        expectedFingerprint: host.fingerprint,
        ...more(host),
      },
    });
  }
}

/**
 * The checks gate's override for tests that apply to lab hosts without checking them first (the
 * hosts run sshd as PID 1: `os.init` fails on every one of them).
 */
export const LAB_OVERRIDE = {
  overrideReadiness: { reason: "lab hosts: sshd as PID 1, not checked by this test" },
};
