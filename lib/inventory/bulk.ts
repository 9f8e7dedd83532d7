/**
 * Operations on many nodes at once, each node on its own: one node's refusal (a name not found, a
 * key that differs from its expected fingerprint, the same host as another node) is its result,
 * and the others go on. Results come back per node, in the order asked.
 */
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { Database } from "./db";
import { InventoryError } from "./errors";
import { pinHostKey } from "./host-keys";
import { knownKeyFor, parseKnownHosts } from "./known-hosts";
import { deleteNode, getNode, updateNode } from "./nodes";
import {
  HostKeySchema,
  LabelsSchema,
  NodeNameSchema,
  type NodePatch,
  RegistryAddressSchema,
  RoleSchema,
} from "./schema";
import type { SecretKey } from "./secrets";

const MAX_BULK_NODES = 5000;
const MAX_KNOWN_HOSTS_CHARS = 4 * 1024 * 1024;

const NodeNames = z
  .array(NodeNameSchema)
  .min(1, "choose at least one node")
  .max(MAX_BULK_NODES, `at most ${MAX_BULK_NODES} nodes at once`)
  .refine((names) => new Set(names).size === names.length, "a node is named twice");

const EditSchema = z
  .strictObject({
    role: RoleSchema.optional(),
    /** set these labels (others are kept) */
    labels: LabelsSchema.optional(),
    /** remove these label keys */
    removeLabels: z.array(z.string().max(63)).max(64).optional(),
    registryAddress: RegistryAddressSchema.nullable().optional(),
    credential: NodeNameSchema.nullable().optional(),
  })
  .refine((set) => Object.keys(set).length > 0, "choose at least one field to change");

export const BulkRequestSchema = z.discriminatedUnion("action", [
  /** pin the keys the user reviewed (the fingerprints the latest checks showed) */
  z.strictObject({
    action: z.literal("trust"),
    keys: z
      .array(HostKeySchema.extend({ node: NodeNameSchema }))
      .min(1, "choose at least one node")
      .max(MAX_BULK_NODES, `at most ${MAX_BULK_NODES} nodes at once`),
  }),
  /** pin each node's key from a pasted known_hosts file */
  z.strictObject({
    action: z.literal("pin-known-hosts"),
    nodes: NodeNames,
    knownHosts: z.string().min(1, "is empty").max(MAX_KNOWN_HOSTS_CHARS),
  }),
  z.strictObject({ action: z.literal("edit"), nodes: NodeNames, set: EditSchema }),
  z.strictObject({ action: z.literal("remove"), nodes: NodeNames }),
]);

export type BulkRequest = z.infer<typeof BulkRequestSchema>;

export type BulkResult =
  | { node: string; outcome: "done"; fingerprint?: string }
  | { node: string; outcome: "failed"; message: string };

export function runBulk({
  db,
  key,
  request,
}: {
  db: Database;
  key: SecretKey;
  request: BulkRequest;
}): BulkResult[] {
  switch (request.action) {
    case "trust":
      return request.keys.map(({ node, type, fingerprint }) =>
        each(node, () => {
          pinHostKey({ db, name: node, hostKey: { type, fingerprint } });
          return { fingerprint };
        }),
      );
    case "pin-known-hosts": {
      const entries = parseKnownHosts(request.knownHosts);
      return request.nodes.map((name) =>
        each(name, () => {
          const node = requireNode(db, name);
          const known = knownKeyFor(entries, node.address, node.port);
          if (!known) {
            throw new InventoryError(
              "invalid",
              `the known_hosts has no key for ${node.port === 22 ? node.address : `[${node.address}]:${node.port}`}`,
            );
          }
          pinHostKey({ db, name, hostKey: known });
          return { fingerprint: known.fingerprint };
        }),
      );
    }
    case "edit":
      return request.nodes.map((name) =>
        each(name, () => {
          updateNode({ db, key, name, patch: editPatch(db, name, request.set) });
          return {};
        }),
      );
    case "remove":
      return request.nodes.map((name) =>
        each(name, () => {
          deleteNode({ db, name });
          return {};
        }),
      );
  }
}

function editPatch(db: Database, name: string, set: z.infer<typeof EditSchema>): NodePatch {
  const { labels, removeLabels, ...rest } = set;
  const patch: NodePatch = { ...rest };
  if (labels || removeLabels) {
    const merged = { ...requireNode(db, name).labels, ...labels };
    for (const label of removeLabels ?? []) delete merged[label];
    patch.labels = merged;
  }
  return patch;
}

function requireNode(db: Database, name: string) {
  const node = getNode({ db, name });
  if (!node) throw new InventoryError("not_found", `no node named "${name}"`);
  return node;
}

/** One node's part: its refusal is its result; anything unexpected still fails the request. */
function each(node: string, work: () => { fingerprint?: string }): BulkResult {
  try {
    return { node, outcome: "done", ...work() };
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return { node, outcome: "failed", message: error.message };
  }
}
