import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import { renderFleet } from "@/lib/fleet/render-fleet";
import type { Database } from "@/lib/inventory/db";
import { listNodes } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import { getFleetSettings, putFleetSettings } from "@/lib/inventory/settings";
import { startRun } from "@/lib/runs/executor";
import type { FilePlan } from "@/lib/runs/plan";
import type { PlanNodeResult } from "@/lib/runs/plan-node";
import { linesOf } from "@/lib/runs/run-event";
import { eventsAfter, getRun } from "@/lib/runs/store";
import { writeNodeFiles } from "@/lib/runs/write-files";
import { SshSession } from "@/lib/ssh/client";
import { RootShell } from "@/lib/ssh/root-shell";
import { addLabNodes, LAB_OVERRIDE, labInventory } from "../lab/lab-inventory";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";

let lab: SshLab;
let dir: string;
let db: Database;
let key: SecretKey;

before(async () => {
  lab = await startSshLab({
    hosts: [{ name: "n1" }, { name: "n2" }, { name: "gone" }],
    seed: false,
  });
  ({ dir, db, key } = labInventory("runs-plan-"));
  putFleetSettings({
    db,
    settings: {
      k0sVersion: "1.32.8",
      registries: ["registry.k8s.io", "quay.io"],
      mirror: { address: "10.0.0.5:5000", scheme: "http" },
    },
  });
  addLabNodes({ db, key }, lab, (host) => ({
    role: host.name === "n1" ? "controller+worker" : "worker",
  }));
  await lab.down("gone");
});

after(async () => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await lab?.stop();
});

async function plan() {
  const { id, done } = startRun({ db, key, action: "plan", nodes: "all", startedBy: "test" });
  await done;
  const run = getRun({ db, id });
  assert.ok(run);
  return run;
}

const filesOf = (run: NonNullable<ReturnType<typeof getRun>>, node: string) =>
  (run.nodes.find((n) => n.node === node)?.result as { files: FilePlan[] } | null)?.files ?? [];

test("a plan on fresh nodes creates every file and writes nothing; a dead node fails alone", async () => {
  const run = await plan();
  assert.equal(run.status, "failed");
  for (const node of ["n1", "n2"]) {
    const state = run.nodes.find((n) => n.node === node);
    assert.equal(state?.state, "succeeded", `${node}: ${state?.error}`);
    assert.deepEqual(
      state?.stages.map((s) => [s.name, s.state]),
      [
        ["connect", "succeeded"],
        ["read current files", "succeeded"],
      ],
    );
    const files = filesOf(run, node);
    assert.ok(files.length >= 4);
    assert.ok(
      files.every((file) => file.change === "create" && file.diff.startsWith("--- /dev/null")),
    );
    assert.equal(lab.host(node).readFile("/etc/k0s/k0s.yaml"), undefined, "a plan writes nothing");
  }
  const gone = run.nodes.find((n) => n.node === "gone");
  assert.equal(gone?.state, "failed");
  assert.match(gone?.error ?? "", /connection refused/);
  const lines = linesOf(eventsAfter({ db, runId: run.id })).map(
    (event) => `${event.node ?? "-"} ${event.stream} ${event.line}`,
  );
  assert.ok(lines.some((line) => /^n1 stage ✔ connect/.test(line)));
  assert.ok(
    lines.some((line) =>
      /^- error failed on 1 node — gone \(connect\): .*connection refused/.test(line),
    ),
  );
  // the stream carries each node's state in order with its lines, and the run's end last
  const events = eventsAfter({ db, runId: run.id });
  for (const node of run.nodes) {
    const mine = events.filter((event) => event.node === node.node);
    const states = mine.flatMap((event) => (event.type === "state" && event.node ? [event] : []));
    assert.deepEqual(
      states.map((event) => event.state),
      [...states.slice(0, -1).map(() => "running"), node.state],
      `${node.node}: running while its stages go, then its outcome`,
    );
    const last = states.at(-1);
    assert.deepEqual(
      { stages: last?.stages, error: last?.error },
      { stages: node.stages, error: node.error },
      `${node.node}: its last state event is its record`,
    );
    const connected = mine.findIndex(
      (event) => event.type === "line" && event.line.startsWith("✔ connect"),
    );
    const after = mine.slice(connected + 1).find((event) => event.type === "state");
    if (node.state === "succeeded")
      assert.ok(
        after?.type === "state" && after.node && after.stages[0]?.state === "succeeded",
        `${node.node}: the state event of connect's end follows its line`,
      );
  }
  const end = events.findLast((event) => event.type === "state" && event.node === null);
  assert.deepEqual(
    end?.type === "state" && end.node === null ? [end.status, end.finishedAt] : null,
    [run.status, run.finishedAt],
    "the run's end is an event too",
  );
  assert.equal(run.lastEventId, events.at(-1)?.id, "the run's JSON holds every event");
});

test("after the files are in place the plan marks them unchanged; an edited file shows its diff", async () => {
  const nodes = listNodes({ db }).filter((node) => node.name === "n1");
  const files = renderFleet(getFleetSettings({ db }), nodes).nodes[0]?.files ?? [];
  const host = lab.host("n1");
  const session = await SshSession.open({
    host: host.address,
    port: host.port,
    username: "root",
    auth: { kind: "key", privateKey: lab.keys.ed25519.privateKey },
    hostKey: { pinned: host.fingerprint, expected: null },
  });
  try {
    const shell = new RootShell(session, "root");
    await writeNodeFiles(shell, files, { runId: "seed" });
    await shell.check(
      "sed -i 's/capabilities/# capabilities/' /etc/k0s/containerd.d/certs.d/quay.io/hosts.toml; chmod 0600 /etc/k0s/k0s.yaml",
    );
  } finally {
    session.close();
  }
  const run = await plan();
  const plans = filesOf(run, "n1");
  const byPath = new Map(plans.map((file) => [file.path, file]));
  const quay = byPath.get("/etc/k0s/containerd.d/certs.d/quay.io/hosts.toml");
  assert.equal(quay?.change, "update");
  assert.match(quay?.diff ?? "", /^-# capabilities = \[ "pull", "resolve" \]$/m);
  assert.match(quay?.diff ?? "", /^\+capabilities = \[ "pull", "resolve" \]$/m);
  assert.equal(byPath.get("/etc/k0s/k0s.yaml")?.change, "update");
  assert.equal(byPath.get("/etc/k0s/k0s.yaml")?.note, "mode 0600 → 0644");
  assert.equal(byPath.get("/etc/k0s/containerd.d/cri-registry.toml")?.change, "unchanged");
  assert.ok(filesOf(run, "n2").every((file) => file.change === "create"));
});

test("a plan predicts what the apply would refuse: no k0s binary, a joiner without its controller", async () => {
  const { id, done } = startRun({ db, key, action: "plan", nodes: ["n2"], startedBy: "test" });
  await done;
  const result = getRun({ db, id })?.nodes[0]?.result as PlanNodeResult;
  assert.equal(result.k0s, "absent");
  assert.equal(result.steps.binaryNote, "no k0s binary");
  assert.match(result.steps.refusal ?? "", /^no k0s binary on the node/);
  // never checked: the checks gate would refuse it too
  assert.equal(result.readiness?.state, "not-checked");
  // with a binary on the node, the refusal left is the missing initial controller
  const n2 = lab.host("n2");
  assert.equal(
    (
      await lab.sshExec(
        n2,
        "printf '#!/bin/sh\nexit 1\n' > /usr/local/bin/k0s && chmod 755 /usr/local/bin/k0s",
      )
    ).code,
    0,
  );
  try {
    const again = startRun({ db, key, action: "plan", nodes: ["n2"], startedBy: "test" });
    await again.done;
    const next = getRun({ db, id: again.id })?.nodes[0]?.result as PlanNodeResult;
    assert.equal(next.k0s, "binary");
    assert.match(
      next.steps.refusal ?? "",
      /^the initial controller n1 is not in this run .*, so n2 cannot join$/,
    );
    assert.ok(next.commands.includes("k0s install worker --token-file /etc/k0s/join-token"));
  } finally {
    await lab.sshExec(n2, "rm -f /usr/local/bin/k0s");
  }
});

test("an apply from a plan writes what the plan showed, or does not start", async () => {
  const planned = await plan();
  const settings = getFleetSettings({ db });
  const apply = (fromPlan: string) =>
    startRun({
      db,
      key,
      action: "apply",
      nodes: ["n2"],
      fromPlan,
      startedBy: "test",
      ...LAB_OVERRIDE,
    });
  assert.throws(() => apply("no-such-run"), /fromPlan: no-such-run is not a plan run/);

  putFleetSettings({
    db,
    settings: { ...settings, mirror: { ...settings.mirror, address: "10.0.0.6:5000" } },
  });
  try {
    assert.throws(
      () => apply(planned.id),
      new RegExp(`the files for n2 are not what plan ${planned.id} showed`),
    );
  } finally {
    putFleetSettings({ db, settings });
  }

  const { id, done } = apply(planned.id);
  await done;
  const inputs = getRun({ db, id })?.inputs as { fromPlan?: string } | undefined;
  assert.equal(inputs?.fromPlan, planned.id);
});
