import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { run } from "./proc";

/** The client key pairs every lab run generates once with ssh-keygen (all authorized everywhere). */
export type ClientKeyName = "ed25519" | "ed25519Passphrase" | "rsa" | "ecdsa";

export interface ClientKey {
  name: ClientKeyName;
  /** OpenSSH key type of the public key */
  type: "ssh-ed25519" | "ssh-rsa" | "ecdsa-sha2-nistp256";
  /** private key file (mode 0600) */
  path: string;
  /** the private key text: OpenSSH format, except rsa which is PEM ("BEGIN RSA PRIVATE KEY") */
  privateKey: string;
  /** the authorized_keys line */
  publicKey: string;
  /** only for ed25519Passphrase */
  passphrase: string | undefined;
  /** "SHA256:…" as ssh-keygen -lf prints it */
  fingerprint: string;
}

export type ClientKeys = Record<ClientKeyName, ClientKey>;

export const KEY_PASSPHRASE = "secret-passphrase";

const CLIENT_KEYS: {
  name: ClientKeyName;
  type: ClientKey["type"];
  args: string[];
  passphrase?: string;
}[] = [
  { name: "ed25519", type: "ssh-ed25519", args: ["-t", "ed25519"] },
  {
    name: "ed25519Passphrase",
    type: "ssh-ed25519",
    args: ["-t", "ed25519"],
    passphrase: KEY_PASSPHRASE,
  },
  { name: "rsa", type: "ssh-rsa", args: ["-t", "rsa", "-b", "2048", "-m", "PEM"] },
  { name: "ecdsa", type: "ecdsa-sha2-nistp256", args: ["-t", "ecdsa", "-b", "256"] },
];

/** Generate the four client keys into `dir` (in parallel: RSA takes the longest, ~0.1–0.5 s). */
export async function generateClientKeys(dir: string, comment: string): Promise<ClientKeys> {
  const keys = await Promise.all(
    CLIENT_KEYS.map(async (spec): Promise<ClientKey> => {
      const path = join(dir, `id_${spec.name}`);
      await sshKeygen(path, spec.args, spec.passphrase ?? "", `${comment}-${spec.name}`);
      const publicKey = readFileSync(`${path}.pub`, "utf8").trim();
      return {
        name: spec.name,
        type: spec.type,
        path,
        privateKey: readFileSync(path, "utf8"),
        publicKey,
        passphrase: spec.passphrase,
        fingerprint: fingerprintOf(publicKey),
      };
    }),
  );
  return Object.fromEntries(keys.map((key) => [key.name, key])) as ClientKeys;
}

/** A fresh ed25519 key pair at `path` / `path.pub` (replacing any); returns the public key line. */
export async function generateHostKey(path: string, comment: string): Promise<string> {
  await sshKeygen(path, ["-t", "ed25519"], "", comment);
  return readFileSync(`${path}.pub`, "utf8").trim();
}

async function sshKeygen(path: string, args: string[], passphrase: string, comment: string) {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  await run("ssh-keygen", ["-q", ...args, "-N", passphrase, "-C", comment, "-f", path]);
}

/**
 * The fingerprint of a public key line as OpenSSH prints it (`ssh-keygen -lf`, `ssh -v`):
 * "SHA256:" + unpadded base64 of the SHA-256 of the key blob.
 */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not a public key line: ${publicKeyLine}`);
  const digest = createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}
