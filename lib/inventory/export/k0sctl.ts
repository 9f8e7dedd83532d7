/** NodePublic[] → k0sctl.yaml, with each node's rendered mirror files inline as files[].data. */
import { Document } from "yaml";
import { nodeTargets } from "@/lib/render";
import { nameFromAddress } from "../fields";
import { CONSOLE_COMMENT_PREFIX } from "../import/console-comment";
import type { NodePublic } from "../types";

/** A rendered file as the renderer returns it (RenderedFile without its hash is enough). */
export interface ExportFile {
  path: string;
  mode: string;
  content: string;
}

export interface K0sctlExportOptions {
  clusterName?: string;
  /** spec.k0s.version, e.g. from the fleet settings */
  k0sVersion?: string;
}

export function toK0sctl(
  nodes: NodePublic[],
  renderedFilesPerNode: Record<string, ExportFile[]> = {},
  options: K0sctlExportOptions = {},
): string {
  const hosts = nodes.map((node) => {
    const ssh: Record<string, unknown> = {
      address: node.address,
      user: node.user,
      port: node.port,
    };
    if (node.bastion) {
      ssh.bastion = {
        address: node.bastion.address,
        user: node.bastion.user,
        port: node.bastion.port,
      };
    }
    const host: Record<string, unknown> = { role: node.role, ssh };
    // hostname overrides the k8s node name, so it is set only when the name cannot be derived back
    if (node.name !== nameFromAddress(node.address)) host.hostname = node.name;
    // install.sh has a relative path: it is the console's own script, not a file for the node
    const files = nodeTargets(renderedFilesPerNode[node.name] ?? []);
    if (files.length > 0) {
      host.files = files.map((file) => ({
        name: file.path,
        data: file.content,
        dst: file.path,
        perm: file.mode,
      }));
    }
    return host;
  });
  const spec: Record<string, unknown> = { hosts };
  if (options.k0sVersion) spec.k0s = { version: options.k0sVersion };
  const doc = new Document({
    apiVersion: "k0sctl.k0sproject.io/v1beta1",
    kind: "Cluster",
    metadata: { name: options.clusterName ?? "k0s-cluster" },
    spec,
  });
  doc.commentBefore =
    " Exported by the k0rdent airgap console. No keys: add ssh.keyPath for each host.\n" +
    ` "${CONSOLE_COMMENT_PREFIX}" comments keep what k0sctl has no field for; k0sctl ignores them.`;
  const items = (doc.getIn(["spec", "hosts"], true) as { items: { commentBefore?: string }[] })
    .items;
  nodes.forEach((node, index) => {
    const extra = consoleExtra(node);
    const item = items[index];
    if (extra && item) item.commentBefore = ` ${CONSOLE_COMMENT_PREFIX} ${extra}`;
  });
  return doc.toString({ lineWidth: 0 });
}

function consoleExtra(node: NodePublic): string | undefined {
  const extra: Record<string, unknown> = {};
  if (node.registryAddress) extra.registryAddress = node.registryAddress;
  if (Object.keys(node.labels).length > 0) extra.labels = node.labels;
  return Object.keys(extra).length > 0 ? JSON.stringify(extra) : undefined;
}
