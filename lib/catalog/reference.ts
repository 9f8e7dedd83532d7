/**
 * Image references read exactly as Go's distribution/reference v0.6.0 `ParseNormalizedNamed`
 * reads them (digests checked as go-digest v1.0.0 does, with sha256/sha384/sha512 linked in).
 * Same regular expressions, same order of checks, same error strings — so what the console
 * accepts is what containerd accepts.
 */

// Grammar building blocks, as in distribution/reference regexp.go.
const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const domainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const optionalPort = "(?::[0-9]+)?";
const tag = "[\\w][\\w.-]{0,127}";
const digestPat = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const ipv6address = "\\[(?:[a-fA-F0-9:]+)\\]";
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = host + optionalPort;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;

// Anchored, compiled once. JS and RE2 agree on leftmost-first submatches for these patterns.
const referenceRegexp = new RegExp(`^(${namePat})(?::(${tag}))?(?:@(${digestPat}))?$`);
const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;
const anchoredTagRegexp = new RegExp(`^${tag}$`);
const anchoredDomainAndPortRegexp = new RegExp(`^${domainAndPort}$`);
// go-digest's DigestRegexpAnchored, used only to tell a malformed digest from an unknown algorithm.
const goDigestAnchoredRegexp = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const lowerHexRegexp = /^[a-f0-9]*$/;
const nonAsciiRegexp = /[\u0080-\uffff]/;
const upperOrNonAsciiRegexp = /[A-Z\u0080-\uffff]/;

const legacyDefaultDomain = "index.docker.io";
const defaultDomain = "docker.io";
const officialRepoPrefix = "library/";
const repositoryNameTotalLengthMax = 255;

/** Hex length of each digest algorithm go-digest v1.0.0 knows. */
const digestHexLength = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);

/** Go's error strings, verbatim. */
export const referenceErrors = {
  referenceInvalidFormat: "invalid reference format",
  tagInvalidFormat: "invalid tag format",
  digestInvalidFormat: "invalid digest format",
  nameContainsUppercase: "repository name must be lowercase",
  nameEmpty: "repository name must have at least one component",
  nameTooLong: `repository name must not be more than ${repositoryNameTotalLengthMax} characters`,
  nameNotCanonical: "repository name must be canonical",
  digestUnsupported: "unsupported digest algorithm",
  digestInvalidLength: "invalid checksum digest length",
  checksumInvalidFormat: "invalid checksum digest format",
} as const;

export interface ParsedReference {
  /** registry host as Go reports it: docker.io, quay.io, localhost:5000, [::1]:5000 (may be "" in Go's odd cases) */
  domain: string;
  /** repository path without the host: library/nginx */
  path: string;
  tag: string | null;
  digest: string | null;
  /** domain/path */
  name: string;
  /** domain/path[:tag][@digest], Go's String() (no implicit :latest) */
  normalized: string;
  /** the short form Docker shows: nginx:1.27.3, bitnami/kubectl:1.31.4, quay.io/x/y:1 */
  familiar: string;
}

export class InvalidReferenceError extends Error {
  override name = "InvalidReferenceError";
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
  }
}

/** Parses like Go's ParseNormalizedNamed; throws InvalidReferenceError with Go's message. */
export function parseNormalizedNamed(input: string): ParsedReference {
  const result = tryParseNormalizedNamed(input);
  if (typeof result === "string") throw new InvalidReferenceError(result, input);
  return result;
}

/** Same as parseNormalizedNamed but returns the error message instead of throwing. */
export function tryParseNormalizedNamed(input: string): ParsedReference | string {
  const parts = parseReferenceParts(input);
  if (typeof parts === "string") return parts;
  const name = parts.domain === "" ? parts.path : `${parts.domain}/${parts.path}`;
  const suffix = parts.normalized.slice(name.length);
  return { ...parts, name, familiar: familiarName(parts) + suffix };
}

/** The parts bulk readers need, without the derived strings (this runs 100k times a catalog). */
export type ReferenceParts = Pick<
  ParsedReference,
  "domain" | "path" | "tag" | "digest" | "normalized"
>;

/** ParseNormalizedNamed's checks, in Go's order; a string result is Go's error message. */
export function parseReferenceParts(input: string): ReferenceParts | string {
  if (anchoredIdentifierRegexp.test(input)) {
    return `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`;
  }
  const [domain, remainder] = splitDockerDomain(input);
  const tagSep = remainder.indexOf(":");
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (hasUppercase(remote)) {
    return `invalid reference format: repository name (${remote}) must be lowercase`;
  }
  // Skip building a new string when the input is already domain/remainder.
  const full =
    input.length === domain.length + 1 + remainder.length && input.startsWith(domain)
      ? input
      : `${domain}/${remainder}`;
  return parse(full);
}

/** Go's reference.Parse, for the inputs ParseNormalizedNamed hands it (never empty). */
function parse(s: string): ReferenceParts | string {
  const matches = referenceRegexp.exec(s);
  if (matches === null) {
    if (s === "") return referenceErrors.nameEmpty;
    if (referenceRegexp.test(goToLower(s))) return referenceErrors.nameContainsUppercase;
    return referenceErrors.referenceInvalidFormat;
  }
  // Go re-splits the name with anchoredNameRegexp. The name is valid and holds every "/" of s,
  // so that split takes the first element as domain exactly when it is a valid domainAndPort.
  const name = matches[1] ?? "";
  const slash = name.indexOf("/");
  const first = name.slice(0, slash);
  const hasDomain =
    slash > 0 &&
    (first === "docker.io" || first === "localhost" || anchoredDomainAndPortRegexp.test(first));
  const domain = hasDomain ? first : "";
  const path = hasDomain ? name.slice(slash + 1) : name;
  if (path.length > repositoryNameTotalLengthMax) return referenceErrors.nameTooLong;

  const digest = matches[3] || null;
  if (digest !== null) {
    const digestError = validateDigest(digest);
    if (digestError !== null) return digestError;
  }
  // The regex matched all of s, so s is already Go's String(): name[:tag][@digest].
  return { domain, path, tag: matches[2] || null, digest, normalized: s };
}

/** go-digest v1.0.0 Digest.Validate. */
function validateDigest(d: string): string | null {
  const i = d.indexOf(":");
  if (i <= 0 || i + 1 === d.length) return referenceErrors.checksumInvalidFormat;
  const hexLength = digestHexLength.get(d.slice(0, i));
  const encoded = d.slice(i + 1);
  if (hexLength === undefined) {
    return goDigestAnchoredRegexp.test(d)
      ? referenceErrors.digestUnsupported
      : referenceErrors.checksumInvalidFormat;
  }
  if (encoded.length !== hexLength) return referenceErrors.digestInvalidLength;
  if (!lowerHexRegexp.test(encoded)) return referenceErrors.checksumInvalidFormat;
  return null;
}

/** Go's splitDockerDomain: [domain, remainder]. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash === -1) return [defaultDomain, officialRepoPrefix + name];
  const maybeDomain = name.slice(0, slash);
  const maybeRemoteName = name.slice(slash + 1);
  let domain: string;
  let remoteName: string;
  if (maybeDomain === "localhost") {
    [domain, remoteName] = [maybeDomain, maybeRemoteName];
  } else if (maybeDomain === legacyDefaultDomain) {
    [domain, remoteName] = [defaultDomain, maybeRemoteName];
  } else if (maybeDomain.includes(".") || maybeDomain.includes(":")) {
    [domain, remoteName] = [maybeDomain, maybeRemoteName];
  } else if (hasUppercase(maybeDomain)) {
    [domain, remoteName] = [maybeDomain, maybeRemoteName];
  } else {
    [domain, remoteName] = [defaultDomain, name];
  }
  if (domain === defaultDomain && !remoteName.includes("/")) {
    remoteName = officialRepoPrefix + remoteName;
  }
  return [domain, remoteName];
}

/**
 * True when the input names its registry itself (first element is localhost, has "." or ":",
 * or uppercase), i.e. it does not fall back to Docker Hub.
 */
export function namesRegistryHost(input: string): boolean {
  const slash = input.indexOf("/");
  if (slash === -1) return false;
  const first = input.slice(0, slash);
  return first === "localhost" || first.includes(".") || first.includes(":") || hasUppercase(first);
}

/** Go's familiarizeName: docker.io/library/redis → redis, docker.io/x/y → x/y, others unchanged. */
export function familiarName(ref: { domain: string; path: string }): string {
  if (ref.domain === defaultDomain) {
    if (ref.path.startsWith(officialRepoPrefix)) {
      const rest = ref.path.slice(officialRepoPrefix.length);
      if (!rest.includes("/")) return rest;
    }
    return ref.path;
  }
  return ref.domain === "" ? ref.path : `${ref.domain}/${ref.path}`;
}

/** A tag by the grammar: [\w][\w.-]{0,127} (no "+", no ":"). */
export function isValidTag(value: string): boolean {
  return anchoredTagRegexp.test(value);
}

/** A registry name / mirror address by the grammar's domainAndPort: host or [ipv6], optional :port. */
export function isValidRegistryHost(host: string): boolean {
  return anchoredDomainAndPortRegexp.test(host);
}

/** strings.ToLower(s) != s, without allocating for the common all-lowercase ASCII input. */
function hasUppercase(s: string): boolean {
  return upperOrNonAsciiRegexp.test(s) && goToLower(s) !== s;
}

/** Go's strings.ToLower uses simple (one-to-one) case mapping; JS's full mapping differs for İ and final Σ. */
function goToLower(s: string): string {
  if (!nonAsciiRegexp.test(s)) return s.toLowerCase();
  let out = "";
  for (const ch of s) {
    const lower = ch.toLowerCase();
    out += lower === ch ? ch : String.fromCodePoint(lower.codePointAt(0) ?? 0);
  }
  return out;
}
