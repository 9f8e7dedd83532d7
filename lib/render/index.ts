import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { CRI_DROP_IN_PATH, lintDropIn, renderCriDropIn } from "./cri-drop-in";
import { hostsDirFor, type MirrorEndpoint, renderHostsToml } from "./hosts-toml";
import { installSteps, K0S_CONFIG_PATH, renderInstallScript } from "./install-steps";
import {
  configLineFor,
  isKnownK0sVersion,
  K0S_KNOWN_RANGE,
  k0sSystemRegistries,
  parseK0sVersion,
} from "./k0s-version";
import { renderK0sYaml } from "./k0s-yaml";
import { type CheckedMirror, checkMirror } from "./mirror";
import { type CheckedNode, checkNodes } from "./nodes";
import { collisionWarnings, planRegistries } from "./registries";
import type { RenderedFile, RenderedNode, RenderInput, RenderResult, RenderWarning } from "./types";

export { RenderInputError } from "./errors";
export type * from "./types";

/** Every file each node needs for its containerd to pull through the local mirror. Pure. */
/** The rendered files that go to the node (absolute paths; install.sh and the like stay local). */
export function nodeTargets<F extends Pick<RenderedFile, "path">>(files: readonly F[]): F[] {
  return files.filter((file) => file.path.startsWith("/"));
}

export function render(input: RenderInput & { images?: string[] }): RenderResult {
  const result = renderEach(input);
  return { ...result, nodes: [...result.nodes] };
}

/**
 * render() with each node's files rendered only when that node is reached: an export of 2,000
 * nodes holds one node's files at a time (plus the files nodes share, rendered once).
 */
export function renderEach(
  input: RenderInput & { images?: string[] },
  options: { installScripts?: boolean } = {},
): Omit<RenderResult, "nodes"> & { nodes: Iterable<RenderedNode> } {
  const warnings: RenderWarning[] = [];
  const version = parseK0sVersion(input.k0sVersion);
  const configLine = configLineFor(version);
  if (!isKnownK0sVersion(version)) {
    warnings.push({
      code: "unknown-k0s-version",
      subject: "k0sVersion",
      message: `k0s ${version.text} is outside the known table (${K0S_KNOWN_RANGE}); rendering the ${configLine} drop-in form — check the containerd version it ships`,
    });
  }
  const mirror = checkMirror(input.mirror, warnings);
  const nodes = checkNodes(input.nodes, mirror.address, warnings);
  const registries = planRegistries(
    {
      registries: input.registries,
      mirrorAddresses: [mirror.address, ...nodes.map((node) => node.registryAddress)],
      systemRegistries: k0sSystemRegistries(version),
      defaultMirror: mirror.defaultMirror,
    },
    warnings,
  );
  if (mirror.defaultMirror) {
    registries.push("_default");
    if (mirror.layout === "per-registry") {
      warnings.push({
        code: "default-mirror-layout",
        subject: "_default",
        message:
          "the _default catch-all cannot know which registry an image came from: unlisted registries' images are requested under their upstream paths, without a registry prefix",
      });
    }
  }
  warnings.push(...collisionWarnings(input.images ?? [], mirror.layout));

  for (const problem of lintDropIn(renderCriDropIn(configLine), configLine)) {
    warnings.push({ code: problem.code, subject: CRI_DROP_IN_PATH, message: problem.message });
  }
  const file = fileCache();
  const context: NodeContext = {
    configLine,
    k0sVersion: version.text,
    file,
    registryFiles: registryFilesCache(mirror, registries, file),
    installScripts: options.installScripts ?? true,
  };
  const rendered = function* () {
    for (const node of nodes) yield renderNode(node, context);
  };
  return { k0sVersion: version.text, configLine, nodes: { [Symbol.iterator]: rendered }, warnings };
}

interface NodeContext {
  configLine: "v2" | "v3";
  k0sVersion: string;
  file: FileCache;
  /** the hosts.toml (and ca.crt) of every registry, for nodes that use this registry address */
  registryFiles: (registryAddress: string) => RenderedFile[];
  /** install.sh too (it stays on the console: an export leaves it out) */
  installScripts: boolean;
}

function renderNode(node: CheckedNode, context: NodeContext): RenderedNode {
  const { configLine, file } = context;
  const files: RenderedFile[] = [
    file(CRI_DROP_IN_PATH, "0644", () => renderCriDropIn(configLine)),
    ...context.registryFiles(node.registryAddress),
    file(K0S_CONFIG_PATH, "0644", renderK0sYaml),
  ];
  if (context.installScripts) {
    const steps = installSteps({
      role: node.role,
      initialController: node.initialController,
      mirrorFiles: files.map((f) => f.path).filter((path) => path.endsWith(".toml")),
    });
    const title = `node ${node.name} (${node.role}), k0s ${context.k0sVersion}, registry ${node.registryAddress}`;
    // this node's own: rendered, never cached (a cache of 2,000 install scripts would only grow)
    files.push(renderedFile("install.sh", "0755", renderInstallScript(title, steps)));
  }
  return { name: node.name, role: node.role, registryAddress: node.registryAddress, files };
}

/**
 * Nodes that share a registry address share these files: they are rendered once per address,
 * and a node's list is the same array's items (1,000 registries × 2,000 nodes stay fast).
 */
function registryFilesCache(
  mirror: CheckedMirror,
  registries: string[],
  file: FileCache,
): (registryAddress: string) => RenderedFile[] {
  const byAddress = new Map<string, RenderedFile[]>();
  return (registryAddress) => {
    let files = byAddress.get(registryAddress);
    if (files === undefined) {
      files = [];
      for (const registry of registries) {
        const dir = hostsDirFor(registry);
        const endpoint: MirrorEndpoint = {
          address: registryAddress,
          scheme: mirror.scheme,
          layout: mirror.layout,
          skipVerify: mirror.skipVerify,
          fallbackToUpstream: mirror.fallbackToUpstream,
          caPath: mirror.caPem ? `${dir}/ca.crt` : undefined,
        };
        files.push(
          file(
            `${dir}/hosts.toml`,
            "0644",
            () => renderHostsToml(registry, endpoint),
            registryAddress,
          ),
        );
        const caPem = mirror.caPem;
        if (caPem) files.push(file(`${dir}/ca.crt`, "0644", () => caPem));
      }
      byAddress.set(registryAddress, files);
    }
    return files;
  };
}

type FileCache = (
  path: string,
  mode: string,
  content: () => string,
  variant?: string,
) => RenderedFile;

/**
 * Most files are the same on every node (or on every node with the same registry address), so
 * each distinct (path, variant) is rendered and hashed once per render: 1,000 nodes stay fast.
 */
function fileCache(): FileCache {
  const cache = new Map<string, RenderedFile>();
  return (path, mode, content, variant = "") => {
    const key = `${path}\0${variant}`;
    let file = cache.get(key);
    if (!file) {
      file = renderedFile(path, mode, content());
      cache.set(key, file);
    }
    return file;
  };
}

function renderedFile(path: string, mode: string, content: string): RenderedFile {
  return { path, mode, sha256: bytesToHex(sha256(new TextEncoder().encode(content))), content };
}
