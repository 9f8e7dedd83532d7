const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Why a request must be refused before it reaches a handler, or null.
 * - Host: a console bound to loopback only answers to loopback names (stops DNS rebinding).
 * - Origin: a state-changing request from another origin is refused, whatever it carries.
 */
export function requestRefusal(request: Request, bindHost: string): string | null {
  const hostHeader = request.headers.get("host") ?? "";
  if (LOOPBACK_NAMES.has(bindHost) && !LOOPBACK_NAMES.has(hostnameOf(hostHeader))) {
    return `host "${hostHeader}" is not this console's address`;
  }
  if (SAFE_METHODS.has(request.method)) return null;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    return origin === `${new URL(request.url).protocol}//${hostHeader}`
      ? null
      : `cross-origin ${request.method} from ${origin} refused`;
  }
  const fetchSite = request.headers.get("sec-fetch-site");
  return fetchSite === "cross-site" || fetchSite === "same-site"
    ? `cross-site ${request.method} refused`
    : null;
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1);
  const colon = hostHeader.lastIndexOf(":");
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}
