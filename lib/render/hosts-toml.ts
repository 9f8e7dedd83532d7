import { stringify } from "smol-toml";
import { upstreamServer } from "./registry-host";
import type { MirrorLayout } from "./types";

export const CERTS_DIR = "/etc/k0s/containerd.d/certs.d";

/** A fixed comment, never user input, so prepending it cannot change what the TOML means. */
export const TOML_HEADER =
  "# Managed by k0rdent airgap console: edits here are overwritten on the next apply.\n";

export interface MirrorEndpoint {
  /** host:port the node uses for the local registry */
  address: string;
  scheme: "http" | "https";
  layout: MirrorLayout;
  /** absolute path of the CA file on the node, when the mirror has its own CA */
  caPath?: string;
  skipVerify: boolean;
  fallbackToUpstream: boolean;
}

/** The directory under certs.d/ that containerd looks up for `registry` ("_default" for the catch-all). */
export function hostsDirFor(registry: string): string {
  return `${CERTS_DIR}/${registry}`;
}

/**
 * The mirror URL containerd requests for `registry`. A prefix layout needs `/v2/<prefix>` plus
 * override_path: containerd only maps a path below the registry root that way.
 */
function mirrorUrl(
  registry: string,
  endpoint: MirrorEndpoint,
): { url: string; overridePath: boolean } {
  const root = `${endpoint.scheme}://${endpoint.address}`;
  const prefix = prefixFor(registry, endpoint.layout);
  return prefix === null
    ? { url: root, overridePath: false }
    : { url: `${root}/v2/${prefix}`, overridePath: true };
}

/** Path prefix of `registry`'s images in the local registry, or null when they keep their upstream paths. */
function prefixFor(registry: string, layout: MirrorLayout): string | null {
  if (layout === "flat") return null;
  if (layout === "per-registry") return registry === "_default" ? null : registry;
  return layout.prefix;
}

/**
 * hosts.toml for one registry. containerd 1.6/1.7 drop a file that has no [host] table, so the
 * mirror is always a [host]; without fallback it is also the `server`, so nothing ever leaves
 * for the upstream and a missing image is a clear 404 rather than a dial timeout.
 */
export function renderHostsToml(registry: string, endpoint: MirrorEndpoint): string {
  const { url, overridePath } = mirrorUrl(registry, endpoint);
  const hostSettings: Record<string, unknown> = { capabilities: ["pull", "resolve"] };
  if (overridePath) hostSettings.override_path = true;
  if (endpoint.caPath) hostSettings.ca = endpoint.caPath;
  if (endpoint.skipVerify) hostSettings.skip_verify = true;

  const useUpstream = endpoint.fallbackToUpstream && registry !== "_default";
  const document: Record<string, unknown> = useUpstream
    ? { server: upstreamServer(registry) }
    : { server: url, ...hostSettings };
  document.host = { [url]: hostSettings };
  return `${TOML_HEADER}${stringify(document)}\n`;
}
