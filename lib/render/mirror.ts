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
export const MAX_CA_BYTES = 256 * 1024;
const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

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
  const problem = caPemProblem(caPem);
  if (problem) throw new RenderInputError("mirror.caPem", problem);
  return `${caPem.replaceAll("\r\n", "\n").trim()}\n`;
}

/**
 * What is wrong with a CA bundle, or null: it must be PEM CERTIFICATE blocks only (blank lines
 * between them allowed). Text around them is refused rather than dropped, since it may be a key
 * pasted by mistake; the message names the line, never its content.
 */
export function caPemProblem(caPem: string): string | null {
  if (caPem.length > MAX_CA_BYTES) return "the CA bundle is larger than 256 KiB";
  let inside = false;
  let certificates = 0;
  const lines = caPem.split(/\r?\n/).map((line) => line.trim());
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}`;
    if (!inside && line === BEGIN) inside = true;
    else if (inside && line === END) {
      inside = false;
      certificates++;
    } else if (inside && !BASE64_LINE.test(line)) {
      return `${where} is not base64 inside a certificate: paste each certificate as it is`;
    } else if (!inside && line !== "") {
      const block = /^-----BEGIN ([A-Z0-9 ]+)-----$/.exec(line)?.[1];
      return block
        ? `${where} starts a ${block} block: only CERTIFICATE blocks belong here`
        : `${where} is text outside a -----BEGIN CERTIFICATE----- … -----END CERTIFICATE----- block: paste only the certificates`;
    }
  }
  if (inside) return `a certificate has no ${END} line`;
  if (certificates === 0) return `expected a PEM certificate (${BEGIN})`;
  return null;
}

function checkLayout(layout: MirrorLayout): MirrorLayout {
  if (layout === "flat" || layout === "per-registry") return layout;
  if (typeof layout === "object" && layout !== null && typeof layout.prefix === "string") {
    const prefix = trimPrefix(layout.prefix);
    const problem = repositoryPrefixProblem(layout.prefix);
    if (problem) throw new RenderInputError("mirror.layout.prefix", problem);
    return { prefix };
  }
  throw new RenderInputError("mirror.layout", 'expected "flat", "per-registry" or {"prefix": "…"}');
}

/** A repository path prefix without surrounding blanks and slashes. */
export function trimPrefix(prefix: string): string {
  return prefix.trim().replace(/^\/+|\/+$/g, "");
}

/** What is wrong with a repository path prefix (`k0rdent-enterprise`, `a/b`), or null. */
export function repositoryPrefixProblem(input: string): string | null {
  const prefix = trimPrefix(input);
  if (prefix !== "" && prefix.split("/").every((part) => PATH_COMPONENT.test(part))) return null;
  return `"${input}" is not a repository path prefix (lowercase letters, digits, . _ - separated by /)`;
}
