import { RenderInputError } from "./errors";
import { canonicalRegistry } from "./registry-host";
import type { MirrorLayout, MirrorSettings, RenderWarning } from "./types";

export interface CheckedMirror {
  address: string;
  scheme: "http" | "https";
  caPem: string | null;
  skipVerify: boolean;
  layout: MirrorLayout;
  fallbackToUpstream: boolean;
  defaultMirror: boolean;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const MAX_CA_BYTES = 256 * 1024;

export function checkMirror(mirror: MirrorSettings, warnings: RenderWarning[]): CheckedMirror {
  const address = canonicalRegistry(mirror.address, "mirror.address");
  if (mirror.scheme !== "http" && mirror.scheme !== "https") {
    throw new RenderInputError(
      "mirror.scheme",
      `"${String(mirror.scheme)}" must be "http" or "https"`,
    );
  }
  const skipVerify = mirror.skipVerify === true;
  const caPem = checkCa(mirror.caPem);
  if (mirror.scheme === "http" && (skipVerify || caPem)) {
    // containerd tries HTTPS first on an http:// host that has TLS settings.
    throw new RenderInputError(
      skipVerify ? "mirror.skipVerify" : "mirror.caPem",
      "TLS settings on an http mirror make containerd try HTTPS first; use scheme https or drop them",
    );
  }
  const fallbackToUpstream = mirror.fallbackToUpstream === true;
  if (fallbackToUpstream) {
    warnings.push({
      code: "fallback-to-upstream",
      subject: "mirror.fallbackToUpstream",
      message:
        "containerd will still try each upstream registry after the mirror: in an airgap a missing image then shows as a slow dial timeout instead of a clear 404",
    });
  }
  return {
    address,
    scheme: mirror.scheme,
    caPem,
    skipVerify,
    layout: checkLayout(mirror.layout ?? "flat"),
    fallbackToUpstream,
    defaultMirror: mirror.defaultMirror === true,
  };
}

function checkCa(caPem: string | undefined): string | null {
  if (caPem === undefined || caPem.trim() === "") return null;
  if (caPem.length > MAX_CA_BYTES) {
    throw new RenderInputError("mirror.caPem", "the CA bundle is larger than 256 KiB");
  }
  if (!PEM_CERTIFICATE.test(caPem)) {
    throw new RenderInputError(
      "mirror.caPem",
      "expected a PEM certificate (-----BEGIN CERTIFICATE-----)",
    );
  }
  return `${caPem.replaceAll("\r\n", "\n").trim()}\n`;
}

function checkLayout(layout: MirrorLayout): MirrorLayout {
  if (layout === "flat" || layout === "per-registry") return layout;
  if (typeof layout === "object" && layout !== null && typeof layout.prefix === "string") {
    const prefix = layout.prefix.trim().replace(/^\/+|\/+$/g, "");
    const parts = prefix.split("/");
    if (prefix === "" || !parts.every((part) => PATH_COMPONENT.test(part))) {
      throw new RenderInputError(
        "mirror.layout.prefix",
        `"${layout.prefix}" is not a repository path prefix (lowercase letters, digits, . _ - separated by /)`,
      );
    }
    return { prefix };
  }
  throw new RenderInputError("mirror.layout", 'expected "flat", "per-registry" or {"prefix": "…"}');
}
