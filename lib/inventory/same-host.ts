/**
 * One machine, one node. Two nodes for one host would let two runs change it at once (the run
 * lock is per host too, see lib/runs/executor.ts), so a node that would be the same host as
 * another — same address and port (through the same bastion), or the same host key — is refused.
 */
import { hostEndpoint, normaliseHost } from "@/lib/ssh/host-identity";
import type { Database } from "./db";
import { InventoryError } from "./errors";
import type { BastionJson, NodeColumns } from "./node-row";
import type { NodePublic } from "./types";

/** What tells a node's host: where it is reached, and its host key (pinned or expected). */
export interface HostFacts {
  address: string;
  port: number;
  bastion: { address: string; port: number } | null;
  fingerprints: (string | null)[];
}

/** A host's marks: `address <host:port>`, and `host key <fingerprint>` for each key known. */
export function hostMarks(host: HostFacts): string[] {
  const keys = new Set(host.fingerprints.filter((key): key is string => Boolean(key)));
  return [
    `address ${hostEndpoint(host.address, host.port, host.bastion)}`,
    ...[...keys].map((key) => `host key ${key}`),
  ];
}

export function nodeHostMarks(node: NodePublic): string[] {
  return hostMarks({
    address: node.address,
    port: node.port,
    bastion: node.bastion,
    fingerprints: [node.hostKey?.fingerprint ?? null, node.expectedFingerprint],
  });
}

type HostColumns = Pick<
  NodeColumns,
  "name" | "address" | "port" | "bastion" | "host_key_fingerprint" | "expected_fingerprint"
>;

function columnFacts(columns: HostColumns): HostFacts {
  const bastion = columns.bastion === null ? null : (JSON.parse(columns.bastion) as BastionJson);
  return {
    address: columns.address,
    port: columns.port,
    bastion,
    fingerprints: [columns.host_key_fingerprint, columns.expected_fingerprint],
  };
}

/**
 * Refuses `node` (a row to insert, or row `id` as it would be after an update) when another node
 * is its host; `keysOnly` looks at host keys alone (pinning a key changes nothing else).
 */
export function refuseSameHost(
  db: Database,
  node: HostColumns,
  { id, keysOnly = false }: { id?: number; keysOnly?: boolean } = {},
): void {
  const marks = hostMarks(columnFacts(node)).filter(
    (mark) => !keysOnly || mark.startsWith("host key "),
  );
  const keys = marks.filter((mark) => mark.startsWith("host key ")).map((mark) => mark.slice(9));
  // narrowed in SQL (same port, or a shared key), compared exactly here
  const candidates = db
    .prepare(
      `SELECT id, name, address, port, bastion, host_key_fingerprint, expected_fingerprint FROM nodes
       WHERE id IS NOT @id
         AND ((port = @port AND (lower(rtrim(address, '.')) = @host OR instr(address, ':') > 0))
         OR host_key_fingerprint IN (SELECT value FROM json_each(@keys))
         OR expected_fingerprint IN (SELECT value FROM json_each(@keys)))`,
    )
    .all({
      id: id ?? null,
      port: node.port,
      host: normaliseHost(node.address),
      keys: JSON.stringify(keys),
    }) as (HostColumns & {
    id: number;
  })[];
  for (const other of candidates) {
    const shared = hostMarks(columnFacts(other)).find((mark) => marks.includes(mark));
    if (shared) throw sameHostError(node.name, other.name, shared);
  }
}

function sameHostError(name: string, other: string, mark: string): InventoryError {
  const field = mark.startsWith("address") ? "address" : "expectedFingerprint";
  const why = mark.startsWith("address")
    ? ""
    : " (one machine under two addresses, or a clone whose host keys were never regenerated)";
  return new InventoryError(
    "conflict",
    `${name} would be the same host as node ${other}: the same ${mark}${why}. One machine is one node, so that two runs never change it at once: use ${other}, or give ${name} the address of another machine`,
    [{ field, message: `same host as ${other}` }],
  );
}
