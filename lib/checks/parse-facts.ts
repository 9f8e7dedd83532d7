import { FACT_SECTIONS, type FactSection, SECTION_MARKER } from "./facts-script";

export interface NodeFacts {
  uid: number | null;
  osRelease: Record<string, string>;
  arch: string;
  kernel: string;
  init: "systemd" | "openrc" | "none";
  /** free KiB per path, for /var/lib/k0s and /etc/k0s */
  diskFreeKiB: Record<string, number>;
  memTotalKiB: number | null;
  cpus: number | null;
  epochSeconds: number | null;
  hostname: string;
  machineId: string;
  /** TCP ports in LISTEN state */
  listeningPorts: number[];
  k0s: { installed: false } | { installed: true; path: string; version: string; running: boolean };
  /** each section's raw text, kept as evidence */
  raw: Record<FactSection, string>;
}

function splitSections(output: string): Record<FactSection, string> {
  const raw = Object.fromEntries(FACT_SECTIONS.map((section) => [section, ""])) as Record<
    FactSection,
    string
  >;
  let current: FactSection | null = null;
  const lines: string[] = [];
  const flush = () => {
    if (current) raw[current] = lines.join("\n").trim();
    lines.length = 0;
  };
  for (const line of output.split("\n")) {
    if (line.startsWith(SECTION_MARKER)) {
      flush();
      const name = line.slice(SECTION_MARKER.length).trim();
      current = (FACT_SECTIONS as readonly string[]).includes(name) ? (name as FactSection) : null;
    } else if (current) lines.push(line);
  }
  flush();
  return raw;
}

export function parseFacts(output: string): NodeFacts {
  const raw = splitSections(output);
  return {
    uid: toNumber(raw.uid),
    osRelease: parseOsRelease(raw["os-release"]),
    arch: raw.arch,
    kernel: raw.kernel,
    init: raw.init === "systemd" || raw.init === "openrc" ? raw.init : "none",
    diskFreeKiB: parseDisk(raw.disk),
    memTotalKiB: toNumber(/MemTotal:\s+(\d+)/.exec(raw.memory)?.[1]),
    cpus: toNumber(raw.cpus),
    epochSeconds: toNumber(raw.time),
    hostname: raw.hostname,
    machineId: raw["machine-id"],
    listeningPorts: parseListeningPorts(raw.listening),
    k0s: parseK0s(raw.k0s),
    raw,
  };
}

function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) fields[match[1]] = (match[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

function parseDisk(text: string): Record<string, number> {
  const free: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [path, kib] = line.trim().split(/\s+/);
    const value = toNumber(kib);
    if (path && value !== null) free[path] = value;
  }
  return free;
}

/** /proc/net/tcp{,6}: local_address is HEX_IP:HEX_PORT, state 0A is LISTEN. */
export function parseListeningPorts(text: string): number[] {
  const ports = new Set<number>();
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] !== "0A") continue;
    const port = Number.parseInt(fields[1]?.split(":")[1] ?? "", 16);
    if (Number.isInteger(port)) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

function parseK0s(text: string): NodeFacts["k0s"] {
  if (!text || text.startsWith("absent")) return { installed: false };
  const field = (name: string) => new RegExp(`^${name} (.*)$`, "m").exec(text)?.[1]?.trim() ?? "";
  return {
    installed: true,
    path: field("path"),
    version: field("version"),
    running: field("running") === "yes",
  };
}

function toNumber(text: string | undefined): number | null {
  if (text === undefined || text.trim() === "") return null;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : null;
}
