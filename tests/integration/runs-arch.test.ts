/**
 * k0s binaries per architecture on real sshd test hosts: three fresh hosts (no k0s), two of them
 * made to report another architecture (reportArch: a `uname` wrapper in their own root). The run names one binary per architecture — two k0s stand-ins
 * with different bytes (scripts: they must run on the host) — and each node gets exactly its
 * architecture's, once; a node whose architecture has none is refused by the plan and the apply
 * in the same words. ELF headers (nothing executes them) show the refusals of a binary of another
 * architecture or k0s version.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import { receiveBinary } from "@/lib/binaries/receive";
import type { Database } from "@/lib/inventory/db";
import type { SecretKey } from "@/lib/inventory/secrets";
import { putFleetSettings } from "@/lib/inventory/settings";
import { type StartRunRequest, startRun } from "@/lib/runs/executor";
import type { PlanNodeResult } from "@/lib/runs/plan-node";
import { linesOf } from "@/lib/runs/run-event";
import { StartRunSchema } from "@/lib/runs/run-request";
import { eventsAfter, getRun } from "@/lib/runs/store";
import { syntheticK0s } from "../lab/elf-files";
import { LAB_SEED } from "../lab/images";
import { standinSeed } from "../lab/k0s-standin/images";
import { installK0sStandin, k0sStandinExecutable } from "../lab/k0s-standin/install";
import { addLabNodes, LAB_OVERRIDE, labInventory } from "../lab/lab-inventory";
import { reportArch } from "../lab/node-arch";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";

const VERSION = "1.32.8";
const K0S = "/usr/local/bin/k0s";
/** each host and the `uname -m` it reports */
const HOSTS = { amd: "x86_64", arm64: "aarch64", arm: "armv7l" } as const;

let lab: SshLab;
let dir: string;
let db: Database;
let key: SecretKey;
/** the stand-in given for amd64, and a copy with other bytes given for arm64 */
let amdStandin: string;
let armStandin: string;
const sha = { amd: "", arm: "" };

const sha256 = (text: string | Uint8Array) => createHash("sha256").update(text).digest("hex");

async function store(bytes: string | Uint8Array, name: string): Promise<string> {
  const { binary } = await receiveBinary({
    db,
    body: new Response(typeof bytes === "string" ? bytes : new Uint8Array(bytes))
      .body as ReadableStream,
    name,
  });
  return binary.sha256;
}

before(async () => {
  lab = await startSshLab({
    hosts: Object.keys(HOSTS).map((name) => ({ name })),
    seed: [...new Set([...LAB_SEED, ...standinSeed(VERSION)])],
  });
  await Promise.all(
    lab.hosts.map(async (host) => {
      // the call log only: /usr/local/bin/k0s is the console's to upload
      await installK0sStandin(lab, host, { version: VERSION, writeBinary: false });
      const arch = HOSTS[host.name as keyof typeof HOSTS];
      if (arch !== "x86_64") await reportArch(lab, host, arch);
    }),
  );
  ({ dir, db, key } = labInventory("runs-arch-"));
  putFleetSettings({
    db,
    settings: {
      k0sVersion: VERSION,
      registries: ["registry.k8s.io", "quay.io", "docker.io"],
      mirror: { address: lab.registryAddress ?? "", scheme: "http", layout: "flat" },
    },
  });
  addLabNodes({ db, key }, lab, () => ({ role: "single" }));
  amdStandin = await k0sStandinExecutable({ version: VERSION });
  armStandin = `${amdStandin}\n// the arm64 stand-in: other bytes, another sha256\n`;
  sha.amd = await store(amdStandin, "k0s-amd64");
  sha.arm = await store(armStandin, "k0s-arm64");
});

after(async () => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await lab?.stop();
});

const BY_ARCH = () => ({ amd64: sha.amd, arm64: sha.arm });

async function run(action: "plan" | "apply", options: Partial<StartRunRequest> = {}) {
  const { id, done } = startRun({
    db,
    key,
    action,
    nodes: Object.keys(HOSTS),
    startedBy: "test",
    k0sBinaries: BY_ARCH(),
    ...LAB_OVERRIDE,
    ...options,
  });
  await done;
  const found = getRun({ db, id });
  assert.ok(found);
  return found;
}

const nodeLines = (runId: string, node: string) =>
  linesOf(eventsAfter({ db, runId }))
    .filter((event) => event.node === node)
    .map((event) => event.line);

/** `sha256sum` of the host's k0s and its inode, read over ssh */
async function k0sOn(host: string): Promise<{ sha256: string; inode: string }> {
  const result = await lab.sshExec(host, `sha256sum ${K0S} && stat -c %i ${K0S}`);
  assert.equal(result.code, 0, result.stderr);
  const [sum = "", inode = ""] = result.stdout.trim().split("\n");
  return { sha256: sum.split(" ")[0] ?? "", inode };
}

test("each host reports its architecture to root over ssh", async () => {
  for (const [host, arch] of Object.entries(HOSTS)) {
    const result = await lab.sshExec(host, "uname -m");
    assert.equal(result.stdout.trim(), arch, `${host}: ${result.stderr}`);
  }
});

test("a binary recorded for another architecture, or of another k0s version, is refused naming both", async () => {
  const elfAmd64 = await store(syntheticK0s("amd64"), "k0s-elf-amd64");
  const elfArm64Old = await store(
    syntheticK0s("arm64", { version: "v1.33.1+k0s.0" }),
    "k0s-elf-arm64",
  );
  const refusals: [StartRunRequest["k0sBinaries"], RegExp][] = [
    [
      { amd64: sha.amd, arm64: elfAmd64 },
      new RegExp(
        `k0sBinaries\\.arm64: the k0s binary ${elfAmd64.slice(0, 12)}… is for amd64, not arm64`,
      ),
    ],
    [
      { arm64: elfArm64Old },
      /k0sBinaries\.arm64: the k0s binary is k0s v1\.33\.1\+k0s\.0, but the fleet's k0s version is 1\.32\.8/,
    ],
  ];
  for (const action of ["plan", "apply"] as const)
    for (const [k0sBinaries, refusal] of refusals)
      assert.throws(
        () => startRun({ db, key, action, nodes: ["arm64"], startedBy: "test", k0sBinaries }),
        refusal,
      );
  // an architecture k0s does not ship is not a field of the request
  assert.equal(
    StartRunSchema.safeParse({ action: "plan", nodes: "all", k0sBinaries: { x86_64: sha.amd } })
      .success,
    false,
  );
  // nothing was started, nothing touched
  for (const host of Object.keys(HOSTS)) assert.equal(lab.host(host).readFile(K0S), undefined);
});

test("the plan says per node which binary it uploads (arch, version, size), and refuses a node whose architecture has none", async () => {
  const plan = await run("plan");
  const result = (node: string) =>
    plan.nodes.find((each) => each.node === node)?.result as PlanNodeResult;
  const amd = result("amd");
  assert.equal(amd.steps.upload?.sha256, sha.amd);
  assert.equal(amd.steps.upload?.size, Buffer.byteLength(amdStandin));
  assert.match(
    amd.steps.binaryNote,
    /^upload the amd64 k0s v1\.32\.8\+k0s\.0 \(a script, \d+ KiB\)$/,
  );
  assert.equal(amd.steps.refusal, null);
  const arm64 = result("arm64");
  assert.equal(arm64.arch, "aarch64");
  assert.equal(arm64.steps.upload?.sha256, sha.arm);
  assert.match(arm64.steps.binaryNote, /^upload the arm64 k0s v1\.32\.8\+k0s\.0 /);
  assert.equal(arm64.steps.refusal, null);
  const arm = result("arm");
  assert.equal(arm.steps.upload, null);
  assert.equal(
    arm.steps.refusal,
    "no k0s binary on the node, and this run has none for arm (the node is armv7l): choose the k0s binary for arm",
  );
  // the plan records the binaries for its apply
  assert.deepEqual((plan.inputs as { k0sBinaries?: unknown }).k0sBinaries, BY_ARCH());
});

test("the apply uploads each node its architecture's binary once (sha256 on the host), refuses the node without one, and skips identical binaries the next time", async () => {
  const first = await run("apply");
  const node = (name: string) => first.nodes.find((each) => each.node === name);
  for (const name of ["amd", "arm64"])
    assert.equal(node(name)?.state, "succeeded", `${name}: ${node(name)?.error}`);
  assert.equal(node("arm")?.state, "failed");
  assert.equal(
    node("arm")?.error,
    "no k0s binary on the node, and this run has none for arm (the node is armv7l): choose the k0s binary for arm",
  );
  assert.equal(lab.host("arm").readFile(K0S), undefined, "nothing uploaded to the arm node");
  const expected = { amd: sha.amd, arm64: sha.arm };
  const before: Record<string, string> = {};
  for (const [host, wanted] of Object.entries(expected)) {
    const onHost = await k0sOn(host);
    assert.equal(onHost.sha256, wanted, `${host} has its architecture's binary`);
    before[host] = onHost.inode;
    const uploads = nodeLines(first.id, host).filter((line) => line.startsWith("upload "));
    assert.equal(uploads.length, 1, uploads.join("\n"));
    assert.match(uploads[0] ?? "", new RegExp(`${wanted.slice(0, 12)}…`));
    // its bytes were reported on the stream, up to the whole file
    const progress = eventsAfter({ db, runId: first.id }).flatMap((event) =>
      event.type === "progress" && event.node === host ? [event] : [],
    );
    const size = Buffer.byteLength(lab.host(host).readFile(K0S) ?? "");
    assert.ok(progress.length > 0, `${host}: progress events`);
    assert.deepEqual(
      progress.map(({ item, total, unit }) => ({ item, total, unit })),
      progress.map(() => ({ item: K0S, total: size, unit: "bytes" })),
    );
    assert.equal(progress.at(-1)?.done, size, `${host}: the last one counts every byte`);
  }
  assert.equal(sha256(lab.host("amd").readFile(K0S) ?? ""), sha.amd);
  assert.equal(lab.host("arm64").readFile(K0S), armStandin);

  const second = await run("apply", { nodes: ["amd", "arm64"] });
  assert.equal(second.status, "succeeded", second.nodes.map((n) => n.error).join("; "));
  for (const [host, wanted] of Object.entries(expected)) {
    const lines = nodeLines(second.id, host);
    assert.ok(
      lines.some((line) =>
        line.includes(`is already this binary (same sha256 ${wanted.slice(0, 12)}…): not uploaded`),
      ),
      lines.join("\n"),
    );
    assert.equal(lines.filter((line) => line.startsWith("upload ")).length, 0);
    assert.deepEqual(await k0sOn(host), { sha256: wanted, inode: before[host] }, "not rewritten");
  }

  // a plan now finds them in place
  const plan = await run("plan", { nodes: ["amd", "arm64"] });
  for (const each of plan.nodes) {
    const steps = (each.result as PlanNodeResult).steps;
    assert.equal(steps.upload, null);
    assert.match(steps.binaryNote, /already there \(same sha256\)$/);
  }
});
