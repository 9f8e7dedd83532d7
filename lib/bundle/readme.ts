import type { RenderResult } from "@/lib/render/types";

/** How to apply the bundle by hand, for users who cannot let the console reach the nodes. */
export function bundleReadme(result: RenderResult): string {
  const nodes = result.nodes.map(
    (node) => `- \`${node.name}/\` — ${node.role}, registry ${node.registryAddress}`,
  );
  const warnings = result.warnings.length
    ? ["", "## Warnings at render time", "", ...result.warnings.map((w) => `- ${w.message}`)]
    : [];
  return [
    "# containerd registry mirror files for k0s",
    "",
    `Rendered by k0rdent airgap console for k0s ${result.k0sVersion} (containerd config ${result.configLine === "v2" ? "version 2, k0s ≤ 1.35" : "version 3, k0s ≥ 1.36"}).`,
    "",
    "## Nodes",
    "",
    ...nodes,
    "",
    "## Apply by hand, on each node, as root",
    "",
    "1. Check the files arrived intact: `sha256sum -c SHA256SUMS` (in this folder, before copying).",
    "2. Copy the node's `etc/` tree to `/`, keeping modes: `cp -a <node>/etc/k0s /etc/` (or `rsync -a <node>/etc/ /etc/`).",
    "   The mirror files must be in place **before** k0s is installed or started.",
    "3. Place the k0s binary at `/usr/local/bin/k0s`.",
    "4. Run `sh <node>/install.sh`. On joining nodes, first save a join token from the initial controller",
    "   (`k0s token create --role=worker` or `--role=controller`) as `/etc/k0s/join-token` with mode 0600,",
    "   and delete it once the node has joined.",
    "",
    "containerd re-reads `certs.d/*/hosts.toml` on every pull: on a running node, changed hosts files need no restart.",
    ...warnings,
    "",
  ].join("\n");
}
