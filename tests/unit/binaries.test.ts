import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NotAK0sBinaryError } from "@/lib/binaries/errors";
import { type Executable, identifyExecutable } from "@/lib/binaries/executable";
import { sanitizeUploadName } from "@/lib/binaries/names";
import { findK0sVersion, K0sVersionScanner } from "@/lib/binaries/version-scan";
import { elfHeader, MACHINE, NOT_EXECUTABLES, syntheticK0s } from "../lab/elf-files";

const text = (value: string) => Buffer.from(value);

describe("identifyExecutable", () => {
  const accepted: [string, Buffer, Executable][] = [
    ["x86-64 EXEC", elfHeader(), { kind: "elf", arch: "amd64" }],
    ["x86-64 PIE (DYN)", elfHeader({ type: 3 }), { kind: "elf", arch: "amd64" }],
    ["x86-64, EI_OSABI Linux", elfHeader({ abi: 3 }), { kind: "elf", arch: "amd64" }],
    ["AArch64", elfHeader({ machine: MACHINE.arm64 }), { kind: "elf", arch: "arm64" }],
    ["32-bit ARM", elfHeader({ elfClass: 1, machine: MACHINE.arm }), { kind: "elf", arch: "arm" }],
    [
      "the stand-in's #!",
      text("#!/usr/bin/node\n// k0s"),
      { kind: "script", interpreter: "/usr/bin/node" },
    ],
    [
      "#! with a space and an argument",
      text("#! /bin/sh -eu\r\nexit 0\n"),
      { kind: "script", interpreter: "/bin/sh" },
    ],
  ];
  for (const [what, bytes, expected] of accepted)
    test(`${what} is accepted`, () => assert.deepEqual(identifyExecutable(bytes), expected));

  const refused: [string, Buffer, RegExp][] = [
    ["nothing", Buffer.alloc(0), /the upload is empty/],
    ["an ELF cut after 10 bytes", elfHeader().subarray(0, 10), /truncated ELF/],
    ["an invalid ELF class", elfHeader({ elfClass: 7 }), /invalid class \(7\)/],
    ["an invalid byte order", elfHeader({ data: 0 }), /invalid byte order/],
    ["a FreeBSD ELF", elfHeader({ abi: 9 }), /for FreeBSD, not Linux/],
    ["an object file", elfHeader({ type: 1 }), /object file \(\.o\)/],
    ["a core dump", elfHeader({ type: 4 }), /core dump/],
    [
      "a RISC-V ELF",
      elfHeader({ machine: 243 }),
      /RISC-V \(e_machine 243\): k0s runs on amd64, arm64 and arm/,
    ],
    ["an i386 ELF", elfHeader({ elfClass: 1, machine: 3 }), /32-bit x86 \(i386\)/],
    ["an unknown machine", elfHeader({ machine: 9999 }), /unknown architecture \(e_machine 9999\)/],
    ["a big-endian s390x ELF", elfHeader({ data: 2, machine: 22 }), /s390x/],
    [
      "a big-endian AArch64 ELF",
      elfHeader({ data: 2, machine: MACHINE.arm64 }),
      /big-endian ELF executable for arm64/,
    ],
    [
      "a 32-bit x86-64 (x32) ELF",
      elfHeader({ elfClass: 1 }),
      /32-bit ELF executable for amd64, which k0s builds as 64-bit/,
    ],
    ["a relative interpreter", text("#!node\n"), /absolute interpreter path/],
    ["an empty #! line", text("#!\n"), /absolute interpreter path/],
    ["a #! line without its end", text("#!/bin/sh"), /longer than 255 bytes \(or without an end\)/],
    ["a #! line of 300 bytes", text(`#!/bin/${"x".repeat(300)}\n`), /longer than 255 bytes/],
    [
      "a gzip archive",
      Buffer.from("1f8b0800", "hex"),
      /gzip archive \(unpack the k0s binary from it first\)/,
    ],
    ["a zip archive", text("PK\x03\x04rest"), /zip archive/],
    ["a tar archive", Buffer.concat([Buffer.alloc(257), text("ustar\0")]), /tar archive/],
    ["random bytes", Buffer.from([0, 1, 2, 3, 0xff]), /not an ELF executable/],
    ...NOT_EXECUTABLES.map(({ what, bytes, message }): [string, Buffer, RegExp] => [
      what,
      bytes,
      message,
    ]),
  ];
  for (const [what, bytes, message] of refused)
    test(`${what} is refused, saying so`, () =>
      assert.throws(
        () => identifyExecutable(bytes),
        (error: Error) =>
          error instanceof NotAK0sBinaryError &&
          error.message.startsWith("not a k0s binary: ") &&
          message.test(error.message),
      ));
});

describe("k0s version scanning", () => {
  const cases: [string, string, string | null][] = [
    ["a Go binary's data", "\0build.Version\0v1.32.8+k0s.0\0go1.24", "v1.32.8+k0s.0"],
    ["a release candidate", "x v1.31.1-rc.0+k0s.0 y", "v1.31.1-rc.0+k0s.0"],
    ["a two-digit k0s suffix", "\0v1.33.4+k0s.12\0", "v1.33.4+k0s.12"],
    ["the first of two", "v1.32.8+k0s.0 then v1.33.1+k0s.0", "v1.32.8+k0s.0"],
    [
      "the stand-in's second line",
      "#!/usr/bin/node\n// k0s stand-in v1.34.2+k0s.0: tests",
      "v1.34.2+k0s.0",
    ],
    ["at the very start and end", "v1.32.8+k0s.0", "v1.32.8+k0s.0"],
    ["inside a longer word", "xv1.32.8+k0s.0 v1.32.8+k0s.0x", null],
    ["a version without +k0s", "v1.32.8 kubernetes v1.32.8+k3s1", null],
    ["nothing", "", null],
  ];
  for (const [what, input, expected] of cases) {
    test(`${what}: ${JSON.stringify(expected)}`, () => {
      assert.equal(findK0sVersion(text(input)), expected);
    });
    test(`${what}: the same whatever the chunk boundaries`, () => {
      const bytes = text(input);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const scanner = new K0sVersionScanner();
        scanner.push(bytes.subarray(0, cut));
        scanner.push(bytes.subarray(cut));
        assert.equal(scanner.finish(), expected, `cut at ${cut}`);
      }
      const bytewise = new K0sVersionScanner();
      for (const byte of bytes) bytewise.push(Uint8Array.of(byte));
      assert.equal(bytewise.finish(), expected, "one byte at a time");
    });
  }

  test("a version after megabytes of other bytes, in 64 KiB chunks", () => {
    const bytes = syntheticK0s("arm64", { version: "v1.35.1+k0s.1", padding: 3 * 1024 ** 2 + 7 });
    const scanner = new K0sVersionScanner();
    for (let at = 0; at < bytes.length; at += 65_536) scanner.push(bytes.subarray(at, at + 65_536));
    assert.equal(scanner.finish(), "v1.35.1+k0s.1");
  });

  test("a word character cut off at a chunk boundary still keeps a version out", () => {
    // "x" ends one chunk whose carried tail starts right at the "v"
    const lead = "a".repeat(200);
    const bytes = text(`${lead}xv1.32.8+k0s.0${" ".repeat(100)}`);
    const scanner = new K0sVersionScanner();
    scanner.push(bytes.subarray(0, lead.length + 1 + 80));
    scanner.push(bytes.subarray(lead.length + 1 + 80));
    assert.equal(scanner.finish(), null);
  });
});

describe("sanitizeUploadName", () => {
  const cases: [string | null, string][] = [
    ["k0s-v1.32.8+k0s.0-amd64", "k0s-v1.32.8+k0s.0-amd64"],
    ["/home/me/Downloads/k0s", "k0s"],
    ["C:\\Users\\me\\k0s.exe", "k0s.exe"],
    ["../../etc/passwd", "passwd"],
    ["..", "k0s"],
    ["k0s <script>", "k0s_script"],
    ["k0s\u202egnp.exe", "k0s_gnp.exe"],
    ["", "k0s"],
    [null, "k0s"],
    ["a".repeat(300), "a".repeat(100)],
  ];
  for (const [input, expected] of cases)
    test(`${JSON.stringify(input)} → ${expected}`, () =>
      assert.equal(sanitizeUploadName(input), expected));
});
