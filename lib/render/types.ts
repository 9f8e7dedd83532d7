/** Inputs and outputs of the config renderer (pure). Shapes match `POST /api/render`. */

export type NodeRole = "controller" | "controller+worker" | "worker" | "single";

/** Where images live inside the local registry. */
export type MirrorLayout =
  /** under their upstream paths: quay.io/calico/node → <mirror>/calico/node */
  | "flat"
  /** under the upstream registry host: quay.io/calico/node → <mirror>/quay.io/calico/node */
  | "per-registry"
  /** under one common prefix: quay.io/calico/node → <mirror>/<prefix>/calico/node */
  | { prefix: string };

export interface MirrorSettings {
  /** host:port of the local registry, as the default node reaches it */
  address: string;
  scheme: "http" | "https";
  /** PEM CA bundle, written as certs.d/<dir>/ca.crt next to each hosts.toml */
  caPem?: string;
  skipVerify?: boolean;
  layout?: MirrorLayout;
  /** let containerd still try the upstream server after the mirror (default false) */
  fallbackToUpstream?: boolean;
  /** also write certs.d/_default/hosts.toml, catching every registry not listed */
  defaultMirror?: boolean;
}

export interface NodeSpec {
  name: string;
  role: NodeRole;
  /** host:port this node uses for the registry; defaults to the mirror address */
  registryAddress?: string;
}

export interface RenderInput {
  k0sVersion: string;
  registries: string[];
  mirror: MirrorSettings;
  nodes?: NodeSpec[];
}

export interface RenderedFile {
  /** absolute target path on the node, e.g. /etc/k0s/containerd.d/cri-registry.toml */
  path: string;
  /** octal string, e.g. "0644" */
  mode: string;
  /** lowercase hex sha256 of content (UTF-8) */
  sha256: string;
  content: string;
}

export interface RenderedNode {
  name: string;
  role: NodeRole;
  registryAddress: string;
  files: RenderedFile[];
}

export interface RenderWarning {
  code: string;
  message: string;
  /** the node, registry or field the warning is about, when there is one */
  subject?: string;
}

export interface RenderResult {
  k0sVersion: string;
  /** "v2" for k0s ≤ 1.35 (containerd 1.7), "v3" for k0s ≥ 1.36 (containerd 2.x) */
  configLine: "v2" | "v3";
  nodes: RenderedNode[];
  warnings: RenderWarning[];
}
