/**
 * A pasted known_hosts file → the host key each node will present. Entries are matched the way
 * OpenSSH does: "address" for port 22, "[address]:port" otherwise; plain, wildcard (* ?), negated
 * (!) and hashed (|1|salt|hash) host patterns. When a host has several keys, the one the console's
 * SSH client asks for first is kept (ed25519, then ECDSA, then RSA): that is the key it will see.
 */
import { createHash, createHmac } from "node:crypto";

export interface KnownHostKey {
  type: string;
  fingerprint: string;
}

interface Entry extends KnownHostKey {
  patterns: string[];
}

/** the console's SSH client (ssh2) asks for host keys in this order */
const PREFERENCE = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
];

/** Readable entries; @cert-authority and @revoked lines, comments and broken lines are skipped. */
export function parseKnownHosts(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("@")) continue;
    const [hosts, type, base64] = line.split(/\s+/);
    if (!hosts || !type || !base64 || !PREFERENCE.includes(type)) continue;
    const blob = Buffer.from(base64, "base64");
    // the blob starts with its own type: a line whose key does not is not a key
    if (blob.length < 4 || blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1") !== type)
      continue;
    const digest = createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
    entries.push({ patterns: hosts.split(","), type, fingerprint: `SHA256:${digest}` });
  }
  return entries;
}

/** The key a host at address:port presents, per the entries; null when none names it. */
export function knownKeyFor(entries: Entry[], address: string, port: number): KnownHostKey | null {
  const host = port === 22 ? address.toLowerCase() : `[${address.toLowerCase()}]:${port}`;
  const keys = entries.filter((entry) => matches(entry.patterns, host));
  keys.sort((a, b) => PREFERENCE.indexOf(a.type) - PREFERENCE.indexOf(b.type));
  const first = keys[0];
  return first ? { type: first.type, fingerprint: first.fingerprint } : null;
}

function matches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    const body = negated ? pattern.slice(1) : pattern;
    if (!patternMatches(body, host)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function patternMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [salt, hash] = pattern.slice(3).split("|");
    if (!salt || !hash) return false;
    const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(host).digest("base64");
    return mac === hash;
  }
  const glob = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${glob}$`).test(host);
}
