/**
 * Which k0s binary each node of a run gets (pure): a run names one stored binary per
 * architecture; a node gets the one of its architecture (its `uname -m`, read on the node by the
 * plan and by the apply). A `#!` script (the lab's stand-in) has no architecture and is accepted
 * for any.
 */
import type { K0sArch } from "@/lib/binaries/executable";
import { SUPPORTED_ARCHES } from "@/lib/checks/requirements";
import { RunInputError } from "./errors";

export const K0S_ARCHES: readonly K0sArch[] = ["amd64", "arm64", "arm"];

/** What the plan and the apply know of a stored binary (the plan never reads the file). */
export interface BinaryInfo {
  sha256: string;
  size: number;
  version: string;
  /** amd64, arm64 or arm; null for a script (the lab's stand-in runs anywhere) */
  arch: K0sArch | null;
}

/** The binary a run uploads to the nodes of each architecture (none: the nodes' own k0s). */
export type BinariesByArch<B extends BinaryInfo = BinaryInfo> = Partial<Record<K0sArch, B>>;

/** How a run request names its binaries: by sha256 in the store. */
export interface BinaryRequest {
  /** one binary: for the nodes of its architecture, or for every node when it is a script */
  k0sBinary?: string;
  k0sBinaries?: Partial<Record<K0sArch, string>>;
}

export const NO_BINARY =
  "no k0s binary on the node: choose one to upload (or put it at /usr/local/bin/k0s) first";

/** The k0s architecture of a node whose `uname -m` is `nodeArch`, or null (unknown, unsupported). */
export function k0sArchOf(nodeArch: string | null): K0sArch | null {
  return ((nodeArch && SUPPORTED_ARCHES[nodeArch]) as K0sArch | undefined) ?? null;
}

/**
 * The binary for a node, and what to say when it needs one and there is none (an apply refuses
 * such a node when it has no k0s of its own; the plan predicts it in the same words).
 */
export function binaryFor<B extends BinaryInfo>(
  binaries: BinariesByArch<B>,
  nodeArch: string | null,
): { binary: B | null; missing: string } {
  const arch = k0sArchOf(nodeArch);
  const binary = (arch && binaries[arch]) || null;
  if (binary || Object.keys(binaries).length === 0) return { binary, missing: NO_BINARY };
  const missing = !nodeArch
    ? "no k0s binary on the node, and its architecture is unknown (uname -m answered nothing)"
    : !arch
      ? `no k0s binary on the node, and k0s has none for its architecture ${nodeArch} (k0s ships amd64, arm64 and arm)`
      : `no k0s binary on the node, and this run has none for ${arch} (the node is ${nodeArch}): choose the k0s binary for ${arch}`;
  return { binary: null, missing };
}

/**
 * The binaries a run request names, looked up by `lookup` (which throws for a sha256 the store
 * does not hold; `field` is what its message names). A binary recorded for another architecture
 * than the one it is given for is refused naming both; so is one of another k0s version than
 * `fleetVersion` (when given: plans and applies).
 */
export function requestedBinaries<B extends BinaryInfo>(
  request: BinaryRequest,
  lookup: (field: string, sha256: string) => B,
  fleetVersion: string | null,
): BinariesByArch<B> {
  if (request.k0sBinary !== undefined && request.k0sBinaries !== undefined)
    throw new RunInputError(
      "k0sBinary and k0sBinaries: give one binary per architecture in k0sBinaries, or one binary in k0sBinary, not both",
    );
  const take = (field: string, sha256: string) => {
    const binary = lookup(field, sha256);
    const mismatch = fleetVersion === null ? null : versionMismatch(fleetVersion, binary.version);
    if (mismatch) throw new RunInputError(`${field}: ${mismatch}`);
    return binary;
  };
  const chosen: BinariesByArch<B> = {};
  if (request.k0sBinary !== undefined) {
    const binary = take("k0sBinary", request.k0sBinary);
    for (const arch of binary.arch ? [binary.arch] : K0S_ARCHES) chosen[arch] = binary;
  }
  for (const arch of K0S_ARCHES) {
    const sha256 = request.k0sBinaries?.[arch];
    if (sha256 === undefined) continue;
    const field = `k0sBinaries.${arch}`;
    const binary = take(field, sha256);
    if (binary.arch && binary.arch !== arch)
      throw new RunInputError(
        `${field}: the k0s binary ${binary.sha256.slice(0, 12)}… is for ${binary.arch}, not ${arch}: give it as the binary for ${binary.arch}, and upload the one for ${arch}`,
      );
    chosen[arch] = binary;
  }
  return chosen;
}

/**
 * Why a stored binary of k0s `binaryVersion` does not fit a fleet set to `fleetVersion`, or null.
 * A fleet version without a patch (1.36) takes any patch; with a `+k0s.N` build, that build only.
 */
export function versionMismatch(fleetVersion: string, binaryVersion: string): string | null {
  const fleet = fleetVersion.trim().replace(/^v/, "");
  const binary = binaryVersion.trim().replace(/^v/, "");
  const [fleetBase = "", fleetBuild] = fleet.split("+");
  const [binaryBase = "", binaryBuild] = binary.split("+");
  const sameBase =
    binaryBase === fleetBase ||
    (fleetBase.split(".").length === 2 && binaryBase.startsWith(`${fleetBase}.`));
  if (sameBase && (fleetBuild === undefined || fleetBuild === binaryBuild)) return null;
  return `the k0s binary is k0s ${binaryVersion}, but the fleet's k0s version is ${fleetVersion}: upload the binary of k0s ${fleetVersion}, or set the fleet's version to ${binaryVersion}`;
}

/** Only what a run records of a binary (a stored one carries more). */
export function binaryInfo({ sha256, size, version, arch }: BinaryInfo): BinaryInfo {
  return { sha256, size, version, arch };
}

/** What a run records: the sha256 and the version of the binary of each architecture. */
export function recordedBinaries(binaries: BinariesByArch): {
  k0sBinaries?: Partial<Record<K0sArch, string>>;
  k0sBinaryVersions?: Partial<Record<K0sArch, string>>;
} {
  const entries = K0S_ARCHES.flatMap((arch) => {
    const binary = binaries[arch];
    return binary ? [[arch, binary] as const] : [];
  });
  if (entries.length === 0) return {};
  return {
    k0sBinaries: Object.fromEntries(entries.map(([arch, binary]) => [arch, binary.sha256])),
    k0sBinaryVersions: Object.fromEntries(entries.map(([arch, binary]) => [arch, binary.version])),
  };
}

/** 245.3 MiB; a small file (the lab's stand-in) in KiB */
export function sizeText(bytes: number): string {
  const mib = bytes / 1024 ** 2;
  return mib >= 1 ? `${mib.toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The fleet's architectures, from its nodes' recorded `uname -m` (the checks' os.arch). */
export interface FleetArches {
  /** nodes per k0s architecture */
  nodes: Partial<Record<K0sArch, number>>;
  /** architectures k0s ships no binary for, as the nodes named them */
  unsupported: string[];
  /** nodes whose architecture is not known yet (never checked) */
  unknown: number;
}

/** `unames`: the architecture recorded for each checked node; `nodeCount`: the whole fleet. */
export function fleetArches(unames: readonly string[], nodeCount: number): FleetArches {
  const found: FleetArches = { nodes: {}, unsupported: [], unknown: nodeCount };
  for (const uname of unames.filter(Boolean)) {
    found.unknown -= 1;
    const arch = k0sArchOf(uname);
    if (arch) found.nodes[arch] = (found.nodes[arch] ?? 0) + 1;
    else if (!found.unsupported.includes(uname)) found.unsupported.push(uname);
  }
  found.unknown = Math.max(0, found.unknown);
  return found;
}

/**
 * The architectures to offer a binary for: the fleet's, or all three while a node's is not known
 * (the plan reads it on the node, and may need any of them).
 */
export function archesToChoose(fleet: FleetArches): K0sArch[] {
  const known = K0S_ARCHES.filter((arch) => fleet.nodes[arch]);
  return known.length > 0 && fleet.unknown === 0 ? known : [...K0S_ARCHES];
}

/**
 * What an apply from a plan uploads, from each node's `steps.upload` and `uname -m` as the plan
 * found them: "k0s is uploaded to 3 nodes: amd64 to 2, arm64 to 1 (735.2 MiB in all)"; null when
 * nothing is.
 */
export function uploadSummary(
  nodes: readonly { upload: BinaryInfo | null | undefined; nodeArch: string | null | undefined }[],
): string | null {
  const sent = nodes.flatMap(({ upload, nodeArch }) =>
    upload ? [{ upload, arch: upload.arch ?? k0sArchOf(nodeArch ?? null) ?? "script" }] : [],
  );
  if (sent.length === 0) return null;
  const perArch = new Map<string, number>();
  for (const { arch } of sent) perArch.set(arch, (perArch.get(arch) ?? 0) + 1);
  const bytes = sent.reduce((sum, { upload }) => sum + upload.size, 0);
  const arches = [...perArch].map(([arch, count]) => `${arch} to ${count}`).join(", ");
  return `k0s is uploaded to ${sent.length} node${sent.length === 1 ? "" : "s"}: ${arches} (${sizeText(bytes)} in all)`;
}
