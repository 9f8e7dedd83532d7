import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { K0sArch } from "@/lib/binaries/executable";
import {
  archesToChoose,
  type BinariesByArch,
  type BinaryInfo,
  type BinaryRequest,
  binaryFor,
  type FleetArches,
  fleetArches,
  NO_BINARY,
  recordedBinaries,
  requestedBinaries,
  uploadSummary,
  versionMismatch,
} from "@/lib/runs/binary-choice";

const sha = (digit: string) => digit.repeat(64);
const AMD64: BinaryInfo = { sha256: sha("a"), size: 100, version: "v1.32.8+k0s.0", arch: "amd64" };
const ARM64: BinaryInfo = { ...AMD64, sha256: sha("b"), arch: "arm64" };
const ARM: BinaryInfo = { ...AMD64, sha256: sha("c"), arch: "arm" };
const SCRIPT: BinaryInfo = { ...AMD64, sha256: sha("d"), arch: null };
const OLD: BinaryInfo = { ...AMD64, sha256: sha("e"), version: "v1.31.1+k0s.0" };
const STORE = new Map([AMD64, ARM64, ARM, SCRIPT, OLD].map((b) => [b.sha256, b]));

describe("binaryFor: each node gets the binary of its architecture (uname -m)", () => {
  const ALL: BinariesByArch = { amd64: AMD64, arm64: ARM64, arm: ARM };
  const table: [string, BinariesByArch, string | null, BinaryInfo | null, RegExp][] = [
    ["x86_64 gets amd64", ALL, "x86_64", AMD64, /./],
    ["aarch64 gets arm64", ALL, "aarch64", ARM64, /./],
    ["arm64 (as some kernels say) gets arm64", ALL, "arm64", ARM64, /./],
    ["armv7l gets arm", ALL, "armv7l", ARM, /./],
    ["a script given for arm64 goes to aarch64", { arm64: SCRIPT }, "aarch64", SCRIPT, /./],
    [
      "aarch64 without an arm64 binary: none, and why",
      { amd64: AMD64 },
      "aarch64",
      null,
      /^no k0s binary on the node, and this run has none for arm64 \(the node is aarch64\): choose the k0s binary for arm64$/,
    ],
    [
      "an architecture k0s does not ship",
      ALL,
      "riscv64",
      null,
      /^no k0s binary on the node, and k0s has none for its architecture riscv64 \(k0s ships amd64, arm64 and arm\)$/,
    ],
    [
      "an architecture not known",
      ALL,
      null,
      null,
      /^no k0s binary on the node, and its architecture is unknown/,
    ],
    [
      "no binaries in the run: the usual words",
      {},
      "x86_64",
      null,
      new RegExp(`^${NO_BINARY.slice(0, 30)}`),
    ],
  ];
  for (const [name, binaries, nodeArch, expected, missing] of table)
    test(name, () => {
      const choice = binaryFor(binaries, nodeArch);
      assert.equal(choice.binary, expected);
      if (!expected) assert.match(choice.missing, missing);
    });
});

describe("requestedBinaries: what a run request names, checked", () => {
  const lookup = (field: string, ref: string) => {
    const found = STORE.get(ref);
    if (!found) throw new Error(`${field}: no uploaded binary has sha256 ${ref}`);
    return found;
  };
  const table: [string, BinaryRequest, BinariesByArch | RegExp][] = [
    ["nothing named", {}, {}],
    [
      "one ELF in k0sBinary: for its architecture only",
      { k0sBinary: ARM64.sha256 },
      { arm64: ARM64 },
    ],
    [
      "one script in k0sBinary: for every architecture",
      { k0sBinary: SCRIPT.sha256 },
      { amd64: SCRIPT, arm64: SCRIPT, arm: SCRIPT },
    ],
    [
      "one per architecture",
      { k0sBinaries: { amd64: AMD64.sha256, arm64: ARM64.sha256, arm: ARM.sha256 } },
      { amd64: AMD64, arm64: ARM64, arm: ARM },
    ],
    ["a script for one architecture", { k0sBinaries: { arm: SCRIPT.sha256 } }, { arm: SCRIPT }],
    [
      "a binary of another architecture: refused naming both",
      { k0sBinaries: { amd64: AMD64.sha256, arm64: AMD64.sha256 } },
      /k0sBinaries\.arm64: the k0s binary aaaaaaaaaaaa… is for amd64, not arm64: give it as the binary for amd64, and upload the one for arm64$/,
    ],
    [
      "a binary of another k0s version: refused naming both",
      { k0sBinaries: { amd64: OLD.sha256 } },
      /k0sBinaries\.amd64: the k0s binary is k0s v1\.31\.1\+k0s\.0, but the fleet's k0s version is 1\.32\.8/,
    ],
    [
      "the single binary of another version",
      { k0sBinary: OLD.sha256 },
      /k0sBinary: the k0s binary is k0s v1\.31\.1\+k0s\.0, but the fleet's k0s version is 1\.32\.8/,
    ],
    [
      "a sha256 the store does not hold",
      { k0sBinaries: { arm: sha("f") } },
      /k0sBinaries\.arm: no uploaded binary/,
    ],
    [
      "both forms at once",
      { k0sBinary: SCRIPT.sha256, k0sBinaries: { amd64: AMD64.sha256 } },
      /k0sBinary and k0sBinaries: .* not both$/,
    ],
  ];
  for (const [name, request, expected] of table)
    test(name, () => {
      if (expected instanceof RegExp)
        assert.throws(() => requestedBinaries(request, lookup, "1.32.8"), expected);
      else assert.deepEqual(requestedBinaries(request, lookup, "1.32.8"), expected);
    });

  test("without a fleet version (rollback, reset) the version is not checked", () => {
    assert.deepEqual(requestedBinaries({ k0sBinary: OLD.sha256 }, lookup, null), { amd64: OLD });
  });

  test("a run records each architecture's sha256 and version, for its apply and its header", () => {
    assert.deepEqual(recordedBinaries({ arm64: ARM64, amd64: AMD64 }), {
      k0sBinaries: { amd64: AMD64.sha256, arm64: ARM64.sha256 },
      k0sBinaryVersions: { amd64: "v1.32.8+k0s.0", arm64: "v1.32.8+k0s.0" },
    });
    assert.deepEqual(recordedBinaries({}), {});
  });
});

describe("a binary's k0s version against the fleet's", () => {
  const table: [string, string, boolean][] = [
    ["1.32.8", "v1.32.8+k0s.0", true],
    ["v1.32.8+k0s.0", "v1.32.8+k0s.0", true],
    ["v1.32.8+k0s.1", "v1.32.8+k0s.0", false],
    ["1.32", "v1.32.8+k0s.0", true],
    ["1.32.7", "v1.32.8+k0s.0", false],
    ["1.33.1", "v1.32.8+k0s.0", false],
    ["1.3", "v1.32.8+k0s.0", false],
  ];
  for (const [fleet, binary, fits] of table)
    test(`fleet ${fleet}, binary ${binary}: ${fits ? "fits" : "refused, naming both"}`, () => {
      const mismatch = versionMismatch(fleet, binary);
      if (fits) assert.equal(mismatch, null);
      else {
        assert.ok(mismatch?.includes(`k0s ${binary}`), mismatch ?? "");
        assert.ok(mismatch?.includes(`version is ${fleet}`), mismatch ?? "");
      }
    });
});

describe("the fleet's architectures, from its nodes' checks", () => {
  const ALL: K0sArch[] = ["amd64", "arm64", "arm"];
  const table: [string, string[], number, FleetArches, K0sArch[]][] = [
    ["nothing checked: all three offered", [], 2, { nodes: {}, unsupported: [], unknown: 2 }, ALL],
    [
      "x86_64 and aarch64 nodes, every one checked: those two",
      ["x86_64", "aarch64", "x86_64", "arm64"],
      4,
      { nodes: { amd64: 2, arm64: 2 }, unsupported: [], unknown: 0 },
      ["amd64", "arm64"],
    ],
    [
      "one node not checked: it may be any, all three offered",
      ["x86_64", "x86_64"],
      3,
      { nodes: { amd64: 2 }, unsupported: [], unknown: 1 },
      ALL,
    ],
    [
      "an architecture k0s does not ship is named apart",
      ["armv7l", "riscv64", "riscv64"],
      3,
      { nodes: { arm: 1 }, unsupported: ["riscv64"], unknown: 0 },
      ["arm"],
    ],
  ];
  for (const [name, unames, nodeCount, expected, offered] of table)
    test(name, () => {
      const fleet = fleetArches(unames, nodeCount);
      assert.deepEqual(fleet, expected);
      assert.deepEqual(archesToChoose(fleet), offered);
    });
});

test("what an apply from a plan uploads, summed up for its confirmation", () => {
  const big = { ...AMD64, size: 100 * 1024 ** 2 };
  const on = (upload: BinaryInfo | null, nodeArch: string | null = "x86_64") => ({
    upload,
    nodeArch,
  });
  assert.equal(uploadSummary([on(null), { upload: undefined, nodeArch: undefined }]), null);
  assert.equal(
    uploadSummary([on(big), on(null), on(big), on({ ...ARM64, size: 50 * 1024 ** 2 }, "aarch64")]),
    "k0s is uploaded to 3 nodes: amd64 to 2, arm64 to 1 (250.0 MiB in all)",
  );
  // a script is counted by the architecture of the node it goes to
  assert.equal(
    uploadSummary([on(SCRIPT, "aarch64"), on(SCRIPT, null)]),
    "k0s is uploaded to 2 nodes: arm64 to 1, script to 1 (1 KiB in all)",
  );
});
