import { nodeAccess, selectNodes } from "@/lib/fleet/node-access";
import { renderFleet } from "@/lib/fleet/render-fleet";
import { latestCheckResults, replaceCheckResults } from "@/lib/inventory/checks-store";
import type { Database } from "@/lib/inventory/db";
import { pinHostKey, setBastionHostKey } from "@/lib/inventory/host-keys";
import { type NodeConnection, nodeConnection } from "@/lib/inventory/node-connection";
import { listNodes } from "@/lib/inventory/nodes";
import { SecretDecryptError, type SecretKey } from "@/lib/inventory/secrets";
import { type FleetSettings, getFleetSettings } from "@/lib/inventory/settings";
import type { CheckResult, NodePublic } from "@/lib/inventory/types";
import { fleetReferences } from "@/lib/registry/reconcile";
import type { RenderedFile } from "@/lib/render/types";
import { type CheckDraft, draft } from "./evaluate-node";
import { type CheckTarget, runChecks } from "./run-checks";
import { sampleImages } from "./sample";

export interface FleetCheckRequest {
  db: Database;
  key: SecretKey;
  nodes: string[] | "all";
  /** sudo passwords asked at run time: used for this run only, never stored */
  sudoPasswords?: Record<string, string>;
  concurrency?: number;
}

/** Runs the pre-flight checks on the chosen nodes, stores and returns their results. */
export async function runFleetChecks(request: FleetCheckRequest): Promise<CheckResult[]> {
  const { db, key } = request;
  const settings = getFleetSettings({ db });
  const nodes = selectNodes(listNodes({ db }), request.nodes);
  const files = renderedFiles(settings, nodes);
  const ready: CheckTarget[] = [];
  const blocked = new Map<string, CheckDraft[]>();
  for (const node of nodes) {
    const target = toTarget(
      () => nodeConnection({ db, key, name: node.name }),
      node,
      settings.mirror.address,
      files,
      request.sudoPasswords ?? {},
    );
    if ("blocked" in target) blocked.set(node.name, [target.blocked]);
    else ready.push(target);
  }
  const results = await runChecks(ready, {
    scheme: settings.mirror.scheme,
    caPem: settings.mirror.caPem?.trim() ? settings.mirror.caPem : null,
    skipVerify: settings.mirror.skipVerify === true,
    // the reconcile report's own list: k0s's system images for the version, then the catalog
    sample: sampleImages(
      fleetReferences({
        k0sVersion: settings.k0sVersion,
        catalog: settings.catalog?.images ?? [],
      }).references.map((reference) => reference.locator),
    ),
    concurrency: request.concurrency ?? 30,
    onHostKeyAccepted: (name, hostKey, bastion) =>
      bastion ? setBastionHostKey({ db, name, hostKey }) : pinHostKey({ db, name, hostKey }),
  });
  const at = new Date().toISOString();
  const byNode = new Map([...blocked, ...results]);
  replaceCheckResults({
    db,
    nodes: nodes.map((node) => node.name),
    results: [...byNode].flatMap(([node, drafts]) =>
      drafts.map((result) => ({ ...result, node, at })),
    ),
  });
  return latestCheckResults({ db }).filter((result) => byNode.has(result.node));
}

/** Every node's files from the fleet settings, so the probe asks exactly what containerd will. */
function renderedFiles(settings: FleetSettings, nodes: NodePublic[]): Map<string, RenderedFile[]> {
  if (nodes.length === 0) return new Map();
  return new Map(renderFleet(settings, nodes).nodes.map((node) => [node.name, node.files]));
}

function toTarget(
  readConnection: () => NodeConnection,
  node: NodePublic,
  defaultRegistry: string,
  files: Map<string, RenderedFile[]>,
  sudoPasswords: Record<string, string>,
): CheckTarget | { blocked: CheckDraft } {
  let connection: NodeConnection;
  try {
    connection = readConnection();
  } catch (error) {
    // one node's unreadable secret fails that node, not the whole check run
    if (!(error instanceof SecretDecryptError)) throw error;
    return { blocked: draft("ssh.auth", "Authenticated", "fail", error.message) };
  }
  const access = nodeAccess(connection, sudoPasswords[node.name]);
  if (!access.ok) {
    const [check, title] =
      access.problem === "sudo"
        ? ["privilege.root", "Root or working sudo"]
        : ["ssh.auth", "Authenticated"];
    return { blocked: draft(check, title, "fail", access.reason) };
  }
  return {
    name: node.name,
    role: node.role,
    endpoint: access.endpoint,
    bastion: access.bastion,
    privilege: access.privilege,
    sudoPassword: access.sudoPassword,
    registryAddress: node.registryAddress ?? defaultRegistry,
    files: files.get(node.name) ?? [],
  };
}
