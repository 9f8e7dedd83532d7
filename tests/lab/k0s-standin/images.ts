/**
 * The k0s system images the stand-in pulls on `k0s start`, per k0s version (pure; bundled into
 * the stand-in and used by tests to seed the lab registry).
 *
 * Real k0s pulls many more (kube-proxy, kube-router, cni-node, konnectivity-agent, …: facts §3);
 * the stand-in pulls a SMALL set with the same registries and the same sandbox-image rule, so a
 * mirror that misses one upstream registry fails here as it fails a real cluster:
 *
 * | k0s         | sandbox (pause) image              | pods (kube-system)                                                              |
 * |-------------|------------------------------------|---------------------------------------------------------------------------------|
 * | 1.27 – 1.32 | registry.k8s.io/pause:3.9          | coredns: quay.io/k0sproject/coredns:1.12.2                                      |
 * |             |                                    | metrics-server: registry.k8s.io/metrics-server/metrics-server:v0.7.2            |
 * | 1.33 – 1.35 | quay.io/k0sproject/pause:3.10.1    | coredns: quay.io/k0sproject/coredns:1.12.2                                      |
 * |             |                                    | metrics-server: quay.io/k0sproject/metrics-server:v0.7.2                        |
 * | 1.36 +      | quay.io/k0sproject/pause:3.10.2-0  | same as 1.33 (the stand-in only runs its pre-flight: containerd 2.x is absent)  |
 *
 * The registries are k0s's (≤1.32: registry.k8s.io + quay.io; 1.33+: quay.io only); the tags are
 * lab tags (k0s's own coredns/metrics-server tags vary per patch release).
 * Overrides, in this order: env K0S_STANDIN_IMAGES, file /etc/k0s/standin-images (see
 * parseImageList), then k0s.yaml's spec.images (repository, pause, coredns, metricsserver).
 */

export interface StandinVersion {
  major: number;
  minor: number;
  patch: number;
  /** as `k0s version` prints it, e.g. v1.32.8+k0s.0 */
  text: string;
}

export interface SystemPod {
  /** the pod's app name (deployment), e.g. coredns */
  app: string;
  namespace: string;
  image: string;
}

export interface SystemImages {
  /** k0s's pause image: containerd's sandbox_image (every pod needs it) */
  sandbox: string;
  pods: SystemPod[];
}

export interface ImageTableRow {
  /** inclusive k0s minor range (major 1) */
  minors: [number, number];
  images: SystemImages;
}

const pod = (app: string, image: string): SystemPod => ({ app, namespace: "kube-system", image });

/** The one table: what the stand-in pulls for each k0s minor. */
export const STANDIN_IMAGE_TABLE: readonly ImageTableRow[] = [
  {
    minors: [27, 32],
    images: {
      sandbox: "registry.k8s.io/pause:3.9",
      pods: [
        pod("coredns", "quay.io/k0sproject/coredns:1.12.2"),
        pod("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.2"),
      ],
    },
  },
  {
    minors: [33, 35],
    images: {
      sandbox: "quay.io/k0sproject/pause:3.10.1",
      pods: [
        pod("coredns", "quay.io/k0sproject/coredns:1.12.2"),
        pod("metrics-server", "quay.io/k0sproject/metrics-server:v0.7.2"),
      ],
    },
  },
  {
    minors: [36, 99],
    images: {
      sandbox: "quay.io/k0sproject/pause:3.10.2-0",
      pods: [
        pod("coredns", "quay.io/k0sproject/coredns:1.12.2"),
        pod("metrics-server", "quay.io/k0sproject/metrics-server:v0.7.2"),
      ],
    },
  },
];

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$/;

/** "1.32.8", "v1.32.8+k0s.0", "1.33" → the version k0s prints (v1.32.8+k0s.0). */
export function parseStandinVersion(input: string): StandinVersion {
  const match = VERSION.exec(input.trim());
  if (!match) throw new Error(`"${input}" is not a k0s version (e.g. 1.32.8 or v1.32.8+k0s.0)`);
  const [, major = "1", minor = "0", patch = "0"] = match;
  const trimmed = input.trim().replace(/^v/, "");
  const text = /\+k0s\.\d+$/.test(trimmed) ? `v${trimmed}` : `v${major}.${minor}.${patch}+k0s.0`;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), text };
}

/** The table row for a version (throws outside 1.27+). */
export function systemImagesFor(version: StandinVersion): SystemImages {
  const row = STANDIN_IMAGE_TABLE.find(
    ({ minors: [first, last] }) =>
      version.major === 1 && version.minor >= first && version.minor <= last,
  );
  if (!row) throw new Error(`k0s stand-in: no system image list for ${version.text} (1.27+ only)`);
  return { sandbox: row.images.sandbox, pods: row.images.pods.map((p) => ({ ...p })) };
}

/** k0s ≥ 1.36 ships containerd 2.x: other drop-in rules (pre-flight), no CRI merge. */
export function usesContainerd2(version: StandinVersion): boolean {
  return version.major > 1 || version.minor >= 36;
}

/**
 * The override format (env K0S_STANDIN_IMAGES, or /etc/k0s/standin-images), one entry per line
 * (or comma-separated): `<image>` (a pod named after the image's last path element), `<app>
 * <image>` or `<app>=<image>`, and `sandbox <image>` for the pause image. `#` starts a comment.
 * Pods listed replace the table's pods; the sandbox stays unless given.
 */
export function parseImageList(text: string, base: SystemImages): SystemImages {
  let sandbox = base.sandbox;
  const pods: SystemPod[] = [];
  const entries = text
    .split(/[\n,]/)
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
  for (const entry of entries) {
    const parts = entry.split(/[\s=]+/).filter(Boolean);
    const [first = "", second] = parts;
    if (parts.length > 2) throw new Error(`bad image list entry "${entry}"`);
    if (second === undefined) {
      pods.push(pod(appOf(first), first));
    } else if (first === "sandbox") {
      sandbox = second;
    } else {
      pods.push(pod(first, second));
    }
  }
  return { sandbox, pods: pods.length > 0 ? pods : base.pods };
}

function appOf(image: string): string {
  const path = image.replace(/[@:][^/]*$/, "");
  return (path.split("/").at(-1) ?? "app").replace(/[^a-z0-9-]/g, "-");
}

/** Registry host of an image reference ("docker.io" when it has none). */
export function registryOf(image: string): string {
  const slash = image.indexOf("/");
  const first = slash < 0 ? "" : image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
}

/** The path below the registry host, as a flat-layout mirror stores it (docker.io: library/). */
export function repositoryPathOf(image: string): string {
  const registry = registryOf(image);
  const rest = image.startsWith(`${registry}/`) ? image.slice(registry.length + 1) : image;
  return registry === "docker.io" && !rest.includes("/") ? `library/${rest}` : rest;
}

/** k0s's spec.images.repository: replace the registry host of a system image. */
export function overrideRepository(repository: string, image: string): string {
  const registry = registryOf(image);
  const hasHost = image.startsWith(`${registry}/`);
  return `${repository}/${hasHost ? image.slice(registry.length + 1) : image}`;
}

/**
 * Where each image the stand-in pulls for `version` must be in the lab registry for a layout
 * (the renderer's layouts: flat, per-registry, common prefix): seed these to make a start pass.
 */
export function standinSeed(
  version: string,
  layout: "flat" | "per-registry" | { prefix: string } = "flat",
): string[] {
  const images = systemImagesFor(parseStandinVersion(version));
  return [images.sandbox, ...images.pods.map((p) => p.image)].map((image) => {
    const path = repositoryPathOf(image);
    if (layout === "flat") return path;
    if (layout === "per-registry") return `${registryOf(image)}/${path}`;
    return `${layout.prefix}/${path}`;
  });
}
