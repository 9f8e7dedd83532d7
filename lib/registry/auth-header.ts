/**
 * The distribution auth and paging headers. Pure: no node:*.
 */

export interface Challenge {
  /** lower case: "bearer", "basic" */
  scheme: string;
  params: Record<string, string>;
}

/**
 * `WWW-Authenticate` challenges: `Bearer realm="https://a/token",service="reg",scope="repository:x:pull"`.
 * Quoted values may hold commas and escaped quotes; several challenges may share one header.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let pos = 0;
  const skip = (pattern: RegExp) => {
    while (pos < header.length && pattern.test(header[pos] ?? "")) pos++;
  };
  while (pos < header.length) {
    skip(/[\s,]/);
    const scheme = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(header.slice(pos))?.[0];
    if (!scheme) break;
    pos += scheme.length;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(/[\s,]/);
      const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(header.slice(pos));
      if (!param) break;
      pos += param[0].length;
      let value = "";
      if (header[pos] === '"') {
        pos++;
        while (pos < header.length && header[pos] !== '"') {
          if (header[pos] === "\\") pos++;
          value += header[pos] ?? "";
          pos++;
        }
        pos++;
      } else {
        const token = /^[^\s,]*/.exec(header.slice(pos))?.[0] ?? "";
        value = token;
        pos += token.length;
      }
      challenge.params[(param[1] ?? "").toLowerCase()] = value;
    }
  }
  return challenges;
}

/** The token scope for a repository: `repository:<name>:pull,push`. */
export function repositoryScope(repository: string, actions: readonly ("pull" | "push")[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}

export const CATALOG_SCOPE = "registry:catalog:*";

/** The token endpoint URL for a Bearer challenge: realm?service=…&scope=…&scope=… (scopes from the request). */
export function tokenUrl(challenge: Challenge, scope: string | undefined): URL {
  const realm = challenge.params.realm;
  if (!realm) throw new Error("the registry's Bearer challenge has no realm");
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  // One `scope` parameter per scope (a mount asks for two): what token servers expect.
  const wanted = scope ?? challenge.params.scope ?? "";
  for (const one of wanted.split(" ").filter(Boolean)) url.searchParams.append("scope", one);
  return url;
}

/** The token in a token endpoint's JSON answer (`token`, or OAuth's `access_token`). */
export function tokenFromResponse(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const token = record.token ?? record.access_token;
  return typeof token === "string" && token !== "" ? token : undefined;
}

/** The `rel="next"` target of a Link header (`</v2/_catalog?last=b&n=2>; rel="next"`), or undefined. */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*(.*)$/.exec(part);
    if (match && /(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(match[2] ?? "")) return match[1];
  }
  return undefined;
}

/** Whether a status is worth retrying: the registry was busy or broken, not the request. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Backoff before retry `attempt` (1-based): base·2^(attempt-1), capped, with ±25 % jitter; a Retry-After wins when shorter than the cap. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  random: number,
  retryAfter?: string,
  capMs = 10_000,
): number {
  const seconds = retryAfter !== undefined ? Number(retryAfter) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, capMs);
  const plain = Math.min(baseMs * 2 ** (attempt - 1), capMs);
  return Math.round(plain * (0.75 + random * 0.5));
}
