/**
 * Small synthetic files for the binary store's tests: an ELF header with chosen fields (64 bytes,
 * padded), optionally followed by text such as a k0s version; and other formats' first bytes.
 */

export interface ElfFields {
  /** 1: 32-bit, 2: 64-bit */
  elfClass?: number;
  /** 1: little-endian, 2: big-endian */
  data?: number;
  /** EI_OSABI: 0 System V, 3 Linux, 9 FreeBSD… */
  abi?: number;
  /** e_type: 2 EXEC, 3 DYN, 1 REL, 4 CORE */
  type?: number;
  /** e_machine: 62 x86-64, 183 AArch64, 40 ARM… */
  machine?: number;
}

export const MACHINE = { amd64: 62, arm64: 183, arm: 40 } as const;

export function elfHeader(fields: ElfFields = {}): Buffer {
  const { elfClass = 2, data = 1, abi = 0, type = 2, machine = MACHINE.amd64 } = fields;
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, elfClass, data, 1, abi]);
  const half = (offset: number, value: number) =>
    data === 2 ? header.writeUInt16BE(value, offset) : header.writeUInt16LE(value, offset);
  half(16, type);
  half(18, machine);
  return header;
}

/** An ELF for `arch` whose data holds `v1.32.8+k0s.0` (or `version`) after `padding` zero bytes. */
export function syntheticK0s(
  arch: keyof typeof MACHINE,
  options: { version?: string; padding?: number } = {},
): Buffer {
  const { version = "v1.32.8+k0s.0", padding = 4096 } = options;
  return Buffer.concat([
    elfHeader({ elfClass: arch === "arm" ? 1 : 2, machine: MACHINE[arch] }),
    Buffer.alloc(padding),
    Buffer.from(`\0github.com/k0sproject/k0s/pkg/build.Version\0${version}\0go1.24.6\0`),
  ]);
}

/** The first bytes of files that are not Linux executables. */
export const NOT_EXECUTABLES: { what: string; bytes: Buffer; message: RegExp }[] = [
  { what: "a text file", bytes: Buffer.from("hello\nv1.32.8+k0s.0\n"), message: /text file/ },
  {
    what: "a PNG image",
    bytes: Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"),
    message: /PNG image/,
  },
  { what: "a Mach-O executable", bytes: Buffer.from("cffaedfe07000001", "hex"), message: /Mach-O/ },
  {
    what: "a Windows PE executable",
    bytes: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(126), Buffer.from("PE\0\0")]),
    message: /Windows \(PE\)/,
  },
];
