/**
 * What an uploaded file is, from its first bytes (pure): a Linux ELF executable for an
 * architecture k0s ships, or a `#!` script (the lab's k0s stand-in). Anything else is refused
 * with a sentence saying what it looks like instead.
 */
import { NotAK0sBinaryError } from "./errors";

/** How many leading bytes `identifyExecutable` looks at (the kernel reads a `#!` line up to 255). */
export const HEAD_BYTES = 512;

export type K0sArch = "amd64" | "arm64" | "arm";

export type Executable = { kind: "elf"; arch: K0sArch } | { kind: "script"; interpreter: string };

/** e_machine → the architecture k0s names it by, and the ELF class it needs (1: 32-bit, 2: 64-bit) */
const K0S_MACHINES: Record<number, { arch: K0sArch; elfClass: 1 | 2 }> = {
  62: { arch: "amd64", elfClass: 2 },
  183: { arch: "arm64", elfClass: 2 },
  40: { arch: "arm", elfClass: 1 },
};

/** other machines, named in the refusal */
const OTHER_MACHINES: Record<number, string> = {
  2: "SPARC",
  3: "32-bit x86 (i386)",
  8: "MIPS",
  20: "PowerPC",
  21: "64-bit PowerPC",
  22: "s390x",
  43: "SPARC v9",
  50: "IA-64",
  243: "RISC-V",
  258: "LoongArch",
};

/** EI_OSABI values other than System V (0) and Linux (3) */
const OTHER_ABIS: Record<number, string> = {
  1: "HP-UX",
  2: "NetBSD",
  6: "Solaris",
  7: "AIX",
  8: "IRIX",
  9: "FreeBSD",
  12: "OpenBSD",
};

const ELF_TYPES: Record<number, string> = {
  1: "an ELF object file (.o), not an executable",
  4: "an ELF core dump, not an executable",
};

const ARCHES = "amd64, arm64 or arm";
const SUPPORTED = "k0s runs on amd64, arm64 and arm";

/** The file whose first bytes (up to HEAD_BYTES; fewer when it is shorter) are `head`. */
export function identifyExecutable(head: Uint8Array): Executable {
  if (head.length === 0) throw refused("the upload is empty");
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return { kind: "elf", arch: elfArch(head) };
  if (startsWith(head, [0x23, 0x21])) return { kind: "script", interpreter: shebang(head) };
  throw refused(`${describeOther(head)}; a k0s binary is a Linux ELF executable (${ARCHES})`);
}

function elfArch(head: Uint8Array): K0sArch {
  if (head.length < 20) throw refused("a truncated ELF file (its header is cut short)");
  const [elfClass, data, , abi] = [head[4], head[5], head[6], head[7]];
  if (elfClass !== 1 && elfClass !== 2)
    throw refused(`an ELF file with an invalid class (${elfClass})`);
  if (data !== 1 && data !== 2) throw refused(`an ELF file with an invalid byte order (${data})`);
  const abiName = OTHER_ABIS[abi ?? 0];
  if (abiName) throw refused(`an ELF executable for ${abiName}, not Linux`);
  const half = (offset: number) =>
    data === 1
      ? (head[offset] ?? 0) | ((head[offset + 1] ?? 0) << 8)
      : ((head[offset] ?? 0) << 8) | (head[offset + 1] ?? 0);
  const type = half(16);
  if (type !== 2 && type !== 3)
    throw refused(ELF_TYPES[type] ?? `an ELF file of type ${type}, not an executable`);
  const machine = half(18);
  const known = K0S_MACHINES[machine];
  if (!known) {
    const name = OTHER_MACHINES[machine] ?? "an unknown architecture";
    throw refused(`an ELF executable for ${name} (e_machine ${machine}): ${SUPPORTED}`);
  }
  if (data !== 1)
    throw refused(`a big-endian ELF executable for ${known.arch}: ${SUPPORTED} (little-endian)`);
  if (elfClass !== known.elfClass)
    throw refused(
      `a ${elfClass === 1 ? "32" : "64"}-bit ELF executable for ${known.arch}, which k0s builds as ${known.elfClass === 1 ? "32" : "64"}-bit`,
    );
  return known.arch;
}

/** The interpreter of a `#!` line, which must be an absolute path the kernel can read whole. */
function shebang(head: Uint8Array): string {
  const end = head.indexOf(0x0a);
  if (end < 0 || end > 255) throw refused("a #! line longer than 255 bytes (or without an end)");
  const line = String.fromCharCode(...head.subarray(2, end))
    .replace(/\r$/, "")
    .trim();
  const interpreter = line.split(/[ \t]+/)[0] ?? "";
  if (!/^\/[\x21-\x7e]+$/.test(interpreter))
    throw refused("a script whose #! line does not name an absolute interpreter path");
  return interpreter;
}

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x4d, 0x5a], "a Windows (PE) executable"],
  [[0xfe, 0xed, 0xfa, 0xce], "a macOS (Mach-O) executable"],
  [[0xfe, 0xed, 0xfa, 0xcf], "a macOS (Mach-O) executable"],
  [[0xce, 0xfa, 0xed, 0xfe], "a macOS (Mach-O) executable"],
  [[0xcf, 0xfa, 0xed, 0xfe], "a macOS (Mach-O) executable"],
  [[0xca, 0xfe, 0xba, 0xbe], "a macOS universal (Mach-O) binary"],
  [[0x1f, 0x8b], "a gzip archive (unpack the k0s binary from it first)"],
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive (unpack the k0s binary from it first)"],
  [[0x28, 0xb5, 0x2f, 0xfd], "a zstd archive (unpack the k0s binary from it first)"],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "an xz archive (unpack the k0s binary from it first)"],
];

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar" at offset 257

function describeOther(head: Uint8Array): string {
  const known = SIGNATURES.find(([magic]) => startsWith(head, magic));
  if (known) return `this is ${known[1]}`;
  if (startsWith(head.subarray(257), USTAR))
    return "this is a tar archive (unpack the k0s binary from it first)";
  return isText(head) ? "this is a text file without a #! line" : "this is not an ELF executable";
}

function isText(head: Uint8Array): boolean {
  return head.every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || byte >= 0x20);
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte);
}

function refused(what: string): NotAK0sBinaryError {
  return new NotAK0sBinaryError(`not a k0s binary: ${what}`);
}
