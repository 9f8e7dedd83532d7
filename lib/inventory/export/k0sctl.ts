/** NodePublic[] → k0sctl.yaml, with each node's rendered mirror files inline as files[].data. */
import { Document, stringify } from "yaml";
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
  return [...k0sctlChunks(nodes, (node) => renderedFilesPerNode[node.name] ?? [], options)].join(
    "",
  );
}

/**
 * The same k0sctl.yaml in pieces, one host at a time: `filesOf(node)` is asked for a node's files
 * only when that host is written, so a 2,000-node × 1,000-registry export never sits in memory.
 * A file object met again (the renderer shares identical files between nodes) is written as
 * YAML once and its text reused.
 */
export function* k0sctlChunks(
  nodes: Iterable<NodePublic>,
  filesOf: (node: NodePublic) => readonly ExportFile[],
  options: K0sctlExportOptions = {},
): Generator<string> {
  const head = new Document({
    apiVersion: "k0sctl.k0sproject.io/v1beta1",
    kind: "Cluster",
    metadata: { name: options.clusterName ?? "k0s-cluster" },
  });
  head.commentBefore =
    " Exported by the k0rdent airgap console. No keys: add ssh.keyPath for each host.\n" +
    ` "${CONSOLE_COMMENT_PREFIX}" comments keep what k0sctl has no field for; k0sctl ignores them.`;
  yield head.toString({ lineWidth: 0 });
  const fileYaml = new WeakMap<ExportFile, string>();
  let hosts = 0;
  for (const node of nodes) {
    yield `${hosts === 0 ? "spec:\n  hosts:\n" : ""}${indent(hostYaml(node), 4)}`;
    hosts += 1;
    const files = nodeTargets(filesOf(node));
    if (files.length > 0) yield "      files:\n";
    for (const file of files) {
      let text = fileYaml.get(file);
      if (text === undefined) {
        const entry = { name: file.path, data: file.content, dst: file.path, perm: file.mode };
        text = indent(stringify([entry], { lineWidth: 0 }), 8);
        fileYaml.set(file, text);
      }
      yield text;
    }
  }
  if (hosts === 0) yield "spec:\n  hosts: []\n";
  if (options.k0sVersion)
    yield indent(stringify({ k0s: { version: options.k0sVersion } }, { lineWidth: 0 }), 2);
}

/** One hosts[] item without its files, as a top-level sequence: `- role: …`. */
function hostYaml(node: NodePublic): string {
  const ssh: Record<string, unknown> = { address: node.address, user: node.user, port: node.port };
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
  const doc = new Document([host]);
  const extra = consoleExtra(node);
  const item = (doc.contents as { items: { commentBefore?: string }[] }).items[0];
  if (extra && item) item.commentBefore = ` ${CONSOLE_COMMENT_PREFIX} ${extra}`;
  return doc.toString({ lineWidth: 0 });
}

/** Moves YAML text right by `spaces` (blank lines stay empty, as the yaml library writes them). */
function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text.replace(/^(?=.)/gm, pad);
}

function consoleExtra(node: NodePublic): string | undefined {
  const extra: Record<string, unknown> = {};
  if (node.registryAddress) extra.registryAddress = node.registryAddress;
  if (Object.keys(node.labels).length > 0) extra.labels = node.labels;
  return Object.keys(extra).length > 0 ? JSON.stringify(extra) : undefined;
}
