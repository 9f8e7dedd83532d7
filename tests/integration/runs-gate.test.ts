/**
 * The checks gate on real sshd test hosts running the k0s stand-in: an apply on a node whose
 * checks fail is refused with the reasons per node; an override with a reason lets it through
 * and is recorded; a plan predicts the refusal and what the apply skips; a node whose host key is
 * not trusted is refused even then; reset needs only a node that connects. A stored binary of
 * another k0s version is refused (architectures: runs-arch.test.ts).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { receiveBinary } from "@/lib/binaries/receive";
import type { Readiness } from "@/lib/checks/readiness";
import { runFleetChecks } from "@/lib/checks/service";
import type { Database } from "@/lib/inventory/db";
import { updateNode } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import { ReadinessRefusedError } from "@/lib/runs/errors";
import { startRun } from "@/lib/runs/executor";
import { FILES_ONLY } from "@/lib/runs/node-steps";
import type { PlanNodeResult } from "@/lib/runs/plan-node";
import { getRun } from "@/lib/runs/store";
import { syntheticK0s } from "../lab/elf-files";
import { addLabNodes } from "../lab/lab-inventory";
import type { SshLab } from "../lab/ssh-hosts";
import { type StandinInventory, startStandinInventory } from "../lab/standin-inventory";

let lab: SshLab;
let db: Database;
let key: SecretKey;
let inventory: StandinInventory | undefined;

before(async () => {
  inventory = await startStandinInventory({
    hosts: ["ok", "unknown"],
    prefix: "runs-gate-",
    registries: ["registry.k8s.io", "quay.io"],
  });
  ({ lab, db, key } = inventory);
  addLabNodes({ db, key }, lab, (host) => ({
    role: "single",
    // never trusted: its checks stop at the host key
    expectedFingerprint: host.name === "unknown" ? null : host.fingerprint,
  }));
});

after(() => inventory?.stop());

function refusal(work: () => unknown): Readiness[] {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof ReadinessRefusedError, String(error));
    assert.equal(error.status, 409);
    return (error.details as { nodes: Readiness[] }).nodes;
  }
  assert.fail("the apply was not refused");
}

const apply = (nodes: string[], reason?: string) =>
  startRun({
    db,
    key,
    action: "apply",
    nodes,
    startedBy: "test",
    overrideReadiness: reason ? { reason } : undefined,
  });

test("never checked: refused, naming the node", () => {
  const [node] = refusal(() => apply(["ok"]));
  assert.equal(node?.node, "ok");
  assert.equal(node?.state, "not-checked");
});

test("a failing check refuses the apply; an override with a reason lets it through and is recorded", async () => {
  await runFleetChecks({ db, key, nodes: ["ok"] });
  const [node] = refusal(() => apply(["ok"]));
  assert.equal(node?.state, "failing");
  assert.ok(
    node?.reasons.some((reason) => reason.check === "os.init" && reason.overridable),
    JSON.stringify(node?.reasons),
  );

  const { id, done } = apply(["ok"], "k0s runs under our own supervisor here");
  await done;
  const run = getRun({ db, id });
  assert.equal(run?.status, "succeeded", JSON.stringify(run?.nodes));
  const inputs = run?.inputs as {
    overrideReadiness: { reason: string; nodes: string[] };
    readiness: Readiness[];
  };
  assert.deepEqual(inputs.overrideReadiness, {
    reason: "k0s runs under our own supervisor here",
    nodes: ["ok"],
  });
  assert.equal(inputs.readiness[0]?.state, "failing");
});

test("a plan predicts the refusal and the skipped install", async () => {
  const { id, done } = startRun({ db, key, action: "plan", nodes: ["ok"], startedBy: "test" });
  await done;
  const result = getRun({ db, id })?.nodes[0]?.result as PlanNodeResult;
  // the apply above left k0s running: files only, no k0s command
  assert.equal(result.k0s, "running");
  assert.equal(result.steps.stage, null);
  assert.equal(result.steps.note, FILES_ONLY);
  assert.deepEqual(result.commands, []);
  // its checks still fail: the apply would refuse it without an override
  assert.equal(result.readiness?.state, "failing");
  assert.equal(result.readiness?.overridable, true);
});

async function store(executable: Uint8Array): Promise<string> {
  const { binary } = await receiveBinary({
    db,
    body: new Response(new Uint8Array(executable)).body as ReadableStream,
    name: "k0s",
  });
  return binary.sha256;
}

test("a binary of another k0s version is refused for a plan and an apply, naming both", async () => {
  const sha = await store(syntheticK0s("amd64", { version: "v1.33.1+k0s.0" }));
  for (const action of ["plan", "apply"] as const)
    assert.throws(
      () => startRun({ db, key, action, nodes: ["ok"], startedBy: "test", k0sBinary: sha }),
      /k0sBinary: the k0s binary is k0s v1\.33\.1\+k0s\.0, but the fleet's k0s version is 1\.32\.8/,
    );
});

test("checks older than a change of the node's address or credentials are stale", async () => {
  await runFleetChecks({ db, key, nodes: ["ok"] });
  updateNode({ db, key, name: "ok", patch: { sudo: { mode: "passwordless" } } });
  const [node] = refusal(() => apply(["ok"]));
  assert.equal(node?.state, "stale");
  assert.match(node?.reasons[0]?.message ?? "", /its sudo changed after its checks ran/);
  updateNode({ db, key, name: "ok", patch: { sudo: { mode: "none" } } });
});

test("an untrusted host key cannot be overridden; a reset still runs there", async () => {
  await runFleetChecks({ db, key, nodes: ["unknown"] });
  const [node] = refusal(() => apply(["ok", "unknown"], "we know this host"));
  assert.equal(node?.node, "unknown");
  assert.equal(node?.overridable, false);
  assert.ok(node?.reasons.some((reason) => reason.check === "ssh.host-key"));

  // reset and rollback are not gated: the connection itself decides (here: the key is not trusted)
  const { id, done } = startRun({ db, key, action: "reset", nodes: ["ok"], startedBy: "test" });
  await done;
  assert.equal(getRun({ db, id })?.status, "succeeded");
});
