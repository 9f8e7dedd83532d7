import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NodeRole } from "@/lib/render/types";
import {
  type BinariesByArch,
  type BinaryInfo,
  binaryFor,
  NO_BINARY,
} from "@/lib/runs/binary-choice";
import { installScript } from "@/lib/runs/install-script";
import type { K0sState } from "@/lib/runs/k0s-state";
import {
  FILES_ONLY,
  joinBlocker,
  type NodeStepsInput,
  nodeSteps,
  stepCommands,
} from "@/lib/runs/node-steps";
import { shellCommand } from "@/lib/ssh/quote";

const BINARY: BinaryInfo = {
  sha256: "a".repeat(64),
  size: 3 * 1024 ** 2,
  version: "v1.32.8+k0s.0",
  arch: "amd64",
};
const TOML = ["/etc/k0s/containerd.d/cri-registry.toml"];

/** A worker's install: mirror config and token checked, then install and start. */
const WORKER_JOINS = [
  `test -s ${TOML[0]}`,
  "test -s /etc/k0s/join-token",
  "k0s install worker --token-file /etc/k0s/join-token",
  "k0s start",
];

const input = (over: Partial<NodeStepsInput>): NodeStepsInput => ({
  name: "n",
  role: "worker",
  initialController: false,
  joinBlocked: null,
  k0s: "binary",
  binaries: {},
  nodeBinarySha256: "b".repeat(64),
  nodeArch: "x86_64",
  mirrorFiles: TOML,
  ...over,
});

const CASES: {
  name: string;
  input: NodeStepsInput;
  stage: string | null;
  commands: string[];
  refusal: RegExp | null;
  binaryNote: RegExp;
}[] = [
  {
    name: "a fresh worker joins with a token",
    input: input({}),
    stage: "install k0s",
    commands: WORKER_JOINS,
    refusal: null,
    binaryNote: /node's own k0s binary/,
  },
  {
    name: "the initial controller initialises the cluster",
    input: input({ role: "controller+worker", initialController: true }),
    stage: "install k0s",
    commands: [
      `test -s ${TOML[0]}`,
      "k0s install controller --enable-worker -c /etc/k0s/k0s.yaml",
      "k0s start",
    ],
    refusal: null,
    binaryNote: /own/,
  },
  {
    name: "a single node needs no token, whatever the fleet's controller",
    input: input({ role: "single", joinBlocked: "the fleet has no controller" }),
    stage: "install k0s",
    commands: [
      `test -s ${TOML[0]}`,
      "k0s install controller --single -c /etc/k0s/k0s.yaml",
      "k0s start",
    ],
    refusal: null,
    binaryNote: /own/,
  },
  {
    name: "a joining node whose initial controller is not in the run",
    input: input({ joinBlocked: joinBlocker("cp", "not-in-run") }),
    stage: "install k0s",
    commands: WORKER_JOINS,
    refusal: /^the initial controller cp is not in this run .*, so n cannot join$/,
    binaryNote: /own/,
  },
  {
    name: "k0s already runs: files only, even without its controller",
    input: input({ k0s: "running", joinBlocked: joinBlocker("cp", "not-in-run") }),
    stage: null,
    commands: [],
    refusal: null,
    binaryNote: /own/,
  },
  {
    name: "installed but stopped: started",
    input: input({ k0s: "installed" }),
    stage: "start k0s",
    commands: ["k0s start"],
    refusal: null,
    binaryNote: /own/,
  },
  {
    name: "no binary chosen and none on the node",
    input: input({ k0s: "absent", nodeBinarySha256: null }),
    stage: "install k0s",
    commands: WORKER_JOINS,
    refusal: new RegExp(`^${NO_BINARY.slice(0, 20)}`),
    binaryNote: /^no k0s binary$/,
  },
  {
    name: "the binary of its architecture, which the node lacks, is uploaded: arch, version, size",
    input: input({ k0s: "absent", nodeBinarySha256: null, binaries: { amd64: BINARY } }),
    stage: "install k0s",
    commands: WORKER_JOINS,
    refusal: null,
    binaryNote: /^upload the amd64 k0s v1\.32\.8\+k0s\.0 \(3\.0 MiB\)$/,
  },
  {
    name: "the binary of its architecture, which the node has already",
    input: input({ nodeBinarySha256: BINARY.sha256, binaries: { amd64: BINARY } }),
    stage: "install k0s",
    commands: WORKER_JOINS,
    refusal: null,
    binaryNote: /^the amd64 k0s v1\.32\.8\+k0s\.0 \(3\.0 MiB\) already there \(same sha256\)$/,
  },
  {
    name: "only a binary of another architecture, and k0s on the node: its own is used",
    input: input({ binaries: { arm64: { ...BINARY, arch: "arm64" } } }),
    stage: "install k0s",
    commands: WORKER_JOINS,
    refusal: null,
    binaryNote: /^the node's own k0s binary is used \(this run has none for amd64\)$/,
  },
  {
    name: "only a binary of another architecture, and no k0s on the node: refused",
    input: input({
      k0s: "absent",
      nodeBinarySha256: null,
      binaries: { arm64: { ...BINARY, arch: "arm64" } },
    }),
    stage: "install k0s",
    commands: WORKER_JOINS,
    refusal: /^no k0s binary on the node, and this run has none for amd64 \(the node is x86_64\)/,
    binaryNote: /^no k0s binary \(this run has none for amd64\)$/,
  },
];

describe("nodeSteps: what an apply does with k0s on a node", () => {
  for (const { name, input: given, stage, commands, refusal, binaryNote } of CASES) {
    test(name, () => {
      const steps = nodeSteps(given);
      assert.equal(steps.install?.stage ?? null, stage);
      assert.deepEqual(stepCommands(steps), commands);
      if (refusal) assert.match(steps.refusal ?? "", refusal);
      else assert.equal(steps.refusal, null);
      assert.match(steps.binaryNote, binaryNote);
      if (stage === null) assert.equal(steps.note, FILES_ONLY);
    });
  }
});

const BINARY_SETS: BinariesByArch[] = [
  {},
  { amd64: BINARY },
  { arm64: { ...BINARY, arch: "arm64" } },
  { amd64: BINARY, arm64: { ...BINARY, sha256: "c".repeat(64), arch: "arm64" } },
];

/**
 * The plan decides from what it reads before anything is uploaded; the apply decides again in
 * its install stage, after its own upload (the binary on the node, nothing left to upload). Both
 * must come to the same commands, the same stage and the same refusal.
 */
describe("plan and apply agree on every node's commands", () => {
  const roles: NodeRole[] = ["single", "controller", "controller+worker", "worker"];
  const states: K0sState[] = ["absent", "binary", "installed", "running"];
  for (const role of roles)
    for (const k0s of states)
      for (const binaries of BINARY_SETS)
        for (const joinBlocked of [null, joinBlocker("cp", "not-in-run")]) {
          const planned = input({ role, k0s, binaries, joinBlocked, nodeBinarySha256: null });
          test(`${role}, k0s ${k0s}, binaries for ${Object.keys(binaries).join(", ") || "no architecture"}, ${joinBlocked ? "no controller in the run" : "its controller in the run"}`, () => {
            const plan = nodeSteps(planned);
            // the upload stage ran (when there was one): the node now has the binary
            const afterUpload = k0s === "absent" && plan.upload ? "binary" : k0s;
            const apply = nodeSteps({ ...planned, k0s: afterUpload, binaries: {} });
            assert.deepEqual(stepCommands(apply), stepCommands(plan));
            assert.equal(apply.install?.stage, plan.install?.stage);
            // a node left without k0s is refused once its files are written, with what its
            // upload stage found (binaryFor's missing)
            const refusal =
              afterUpload === "absent"
                ? binaryFor(binaries, planned.nodeArch).missing
                : apply.refusal;
            assert.equal(refusal, plan.refusal);
            if (!apply.install) return;
            // and what the apply's one exec runs is those commands, in that order
            const script = installScript({
              steps: apply.install.argv,
              joinToken: false,
              upWithinSeconds: 1,
            });
            let at = 0;
            for (const argv of apply.install.argv) {
              const command = argv.join(" ") === "k0s start" ? "k0s start" : shellCommand(argv);
              const found = script.indexOf(command, at);
              assert.ok(found >= at, `${command} in order in:\n${script}`);
              at = found;
            }
          });
        }
});
