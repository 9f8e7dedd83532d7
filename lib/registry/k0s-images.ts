/**
 * k0s's own Linux system images per k0s version, as `k0s airgap list-images` prints them for the
 * default configuration (kube-router, metrics-server, konnectivity). Source: k0s
 * pkg/constant/constant.go at the tag (facts doc §3). A version not listed here is unknown: run
 * `k0s airgap list-images --all` on a node with the uploaded binary and give its output. Pure.
 */
import { parseK0sVersion } from "@/lib/render/k0s-version";

const K0S_SYSTEM_IMAGES: Record<string, readonly string[]> = {
  "1.32.8": [
    "quay.io/k0sproject/apiserver-network-proxy-agent:v0.31.0",
    "quay.io/k0sproject/coredns:1.12.2",
    "quay.io/k0sproject/kube-proxy:v1.32.8",
    "quay.io/k0sproject/kube-router:v2.4.1-iptables1.8.9-0",
    "quay.io/k0sproject/cni-node:1.3.0-k0s.0",
    "quay.io/k0sproject/pushgateway-ttl:1.4.0-k0s.0",
    "quay.io/k0sproject/envoy-distroless:v1.31.10",
    "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
    "registry.k8s.io/pause:3.9",
  ],
};

/** The table's images for a version ("1.32.8", "v1.32.8+k0s.0"); null when it is not in the table. */
export function k0sSystemImages(version: string): readonly string[] | null {
  let parsed: ReturnType<typeof parseK0sVersion>;
  try {
    parsed = parseK0sVersion(version);
  } catch {
    return null;
  }
  if (parsed.patch === null) return null;
  return K0S_SYSTEM_IMAGES[`${parsed.major}.${parsed.minor}.${parsed.patch}`] ?? null;
}

/** `k0s airgap list-images` output → its image lines (blank lines and comments dropped). */
export function parseListImages(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
