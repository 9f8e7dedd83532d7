/**
 * Which machine an SSH target reaches, as far as the console can tell before connecting: one
 * spelling per address, so that two ways of writing one host compare equal. Pure.
 */

/**
 * An address in one spelling: lower case, without IPv6 brackets, zone or a hostname's trailing
 * dot; IPv6 compressed as RFC 5952 says, an IPv4-mapped IPv6 address as the IPv4 address.
 */
export function normaliseHost(address: string): string {
  const bare = address
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/%.*$/, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (!bare.includes(":")) return bare;
  const groups = ipv6Groups(bare);
  if (!groups) return bare;
  const mapped = groups.slice(0, 6).join(",") === "0,0,0,0,0,65535";
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  return compressIpv6(groups);
}

/** A target as `host:port` (IPv6 in brackets); through a bastion, `host:port via bastion:port`. */
export function hostEndpoint(
  address: string,
  port: number,
  via?: { address: string; port: number } | null,
): string {
  const host = normaliseHost(address);
  const here = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return via ? `${here} via ${hostEndpoint(via.address, via.port)}` : here;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 allowed), or null. */
function ipv6Groups(address: string): number[] | null {
  // a trailing dotted IPv4 (::ffff:10.0.0.1) is two groups written another way
  const text = address.replace(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, (_all, ...parts) => {
    const [a, b, c, d] = (parts.slice(0, 4) as string[]).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if ([a, b, c, d].some((byte) => byte > 255)) return "x";
    return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  });
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) =>
    part
      ? part.split(":").map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN))
      : [];
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [
    ...head,
    ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0),
    ...tail,
  ];
  return groups.some(Number.isNaN) ? null : groups;
}

/** RFC 5952: lower-case hex, the longest run (of two or more) of zero groups as `::`, the first on a tie. */
function compressIpv6(groups: number[]): string {
  let best = { start: -1, length: 1 };
  for (let start = 0; start < groups.length; start += 1) {
    let length = 0;
    while (groups[start + length] === 0) length += 1;
    if (length > best.length) best = { start, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(":");
  const before = hex.slice(0, best.start).join(":");
  const after = hex.slice(best.start + best.length).join(":");
  return `${before}::${after}`;
}
