/**
 * Which of the fleet's image requests land on a registry reference: each catalog image's request
 * as containerd makes it through the rendered hosts.toml (lib/checks/mirror-request, the same
 * mapping the pre-flight check uses), compared by repository path and tag or digest. Pure.
 */
import { parseReferenceParts } from "@/lib/catalog/reference";
import { mirrorRequestFor } from "@/lib/checks/mirror-request";
import type { RenderedFile } from "@/lib/render/types";

export interface RequestToReference {
  /** the image as the catalog names it (what a pod spec asks for) */
  image: string;
  /** the URL containerd requests for it */
  url: string;
}

/** Most requests listed for one reference (a catalog may hold 100k images). */
export const MAX_REQUESTS_LISTED = 200;

export function requestsTo(
  target: { repository: string; tag: string | null; digest: string },
  images: readonly string[],
  files: RenderedFile[],
): RequestToReference[] {
  const found: RequestToReference[] = [];
  for (const image of images) {
    const parts = parseReferenceParts(image);
    if (typeof parts === "string") continue;
    // cheap test first: the request path always ends with the image's own path
    if (!target.repository.endsWith(parts.path)) continue;
    const reference = parts.digest ?? parts.tag ?? "latest";
    if (reference !== target.digest && reference !== target.tag) continue;
    const locator = {
      registry: parts.domain,
      repository: parts.path,
      tag: parts.tag,
      digest: parts.digest,
    };
    const request = mirrorRequestFor(locator, files);
    if (!request) continue;
    const path = new URL(request.url).pathname;
    if (path !== `/v2/${target.repository}/manifests/${reference}`) continue;
    found.push({ image, url: request.url });
    if (found.length >= MAX_REQUESTS_LISTED) break;
  }
  return found;
}
