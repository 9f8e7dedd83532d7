/**
 * Apply end to end on real sshd test hosts running the k0s stand-in: mirror files land first,
 * k0s is installed in cluster order with join tokens delivered and removed, containerd on each
 * workload node pulls k0s's system images through the rendered mirror config.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import { receiveBinary } from "@/lib/binaries/receive";
import type { Database } from "@/lib/inventory/db";
import { updateNode } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import { putFleetSettings } from "@/lib/inventory/settings";
import type { NodeRole } from "@/lib/render/types";
import { RunBusyError } from "@/lib/runs/errors";
import { cancelRun, type StartRunRequest, startRun } from "@/lib/runs/executor";
import { linesOf } from "@/lib/runs/run-event";
import { eventsAfter, getRun } from "@/lib/runs/store";
import { shellQuote } from "@/lib/ssh/quote";
import { consoleTempFiles, hostFiles } from "../lab/host-files";
import { LAB_SEED } from "../lab/images";
import { standinSeed } from "../lab/k0s-standin/images";
import {
  installK0sStandin,
  k0sStandinExecutable,
  readStandinCalls,
  readStandinState,
} from "../lab/k0s-standin/install";
import { addLabNodes, LAB_OVERRIDE, labInventory } from "../lab/lab-inventory";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

const VERSION = "1.32.8";
const CLUSTER: [string, NodeRole][] = [
  ["cp", "controller+worker"],
  ["w1", "worker"],
  ["w2", "worker"],
  ["w3", "worker"],
];

let lab: SshLab;
let dir: string;
let db: Database;
let key: SecretKey;

before(async () => {
  lab = await startSshLab({
    hosts: [
      ...CLUSTER.map(([name]) => ({ name })),
      { name: "solo" },
      { name: "crash" },
      { name: "fresh" },
    ],
    seed: [...new Set([...LAB_SEED, ...standinSeed(VERSION)])],
  });
  await Promise.all(
    lab.hosts.map((host) =>
      installK0sStandin(lab, host, { version: VERSION, writeBinary: host.name !== "fresh" }),
    ),
  );
  ({ dir, db, key } = labInventory("runs-apply-"));
  setMirror("flat");
  addLabNodes({ db, key }, lab, (host) => ({
    role: CLUSTER.find(([name]) => name === host.name)?.[1] ?? "single",
  }));
});

after(async () => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await lab?.stop();
});

function setMirror(layout: "flat" | { prefix: string }) {
  putFleetSettings({
    db,
    settings: {
      k0sVersion: VERSION,
      registries: ["registry.k8s.io", "quay.io", "docker.io"],
      mirror: { address: lab.registryAddress ?? "", scheme: "http", layout },
    },
  });
}

/** An apply on `nodes` started in the background (as POST /api/runs does), with `options`. */
function startApply(nodes: string[], options: Partial<StartRunRequest> = {}) {
  return startRun({
    db,
    key,
    action: "apply",
    nodes,
    startedBy: "test",
    ...LAB_OVERRIDE,
    ...options,
  });
}

async function apply(
  nodes: string[],
  action: "apply" | "rollback" | "reset" = "apply",
  fromRun?: string,
  k0sBinary?: string,
) {
  const { id, done } = startRun({
    ...{ db, key, action, nodes, startedBy: "test", fromRun, k0sBinary },
    ...LAB_OVERRIDE,
  });
  await done;
  const run = getRun({ db, id });
  assert.ok(run);
  return run;
}

const commands = (host: string) =>
  readStandinCalls(lab.host(host)).map((call) => call.argv.join(" "));

test("a single node: files first, then install --single, start, and every system image pulled through the mirror", async () => {
  const run = await apply(["solo"]);
  const node = run.nodes[0];
  assert.equal(run.status, "succeeded", node?.error ?? "");
  assert.deepEqual(
    node?.stages.map((s) => s.name),
    ["connect", "write files", "install k0s", "verify"],
  );
  const solo = lab.host("solo");
  assert.match(
    solo.readFile("/etc/k0s/containerd.d/cri-registry.toml") ?? "",
    /io\.containerd\.grpc\.v1\.cri/,
  );
  assert.deepEqual(
    commands("solo").filter((c) => /^(install|start)/.test(c)),
    ["install controller --single -c /etc/k0s/k0s.yaml", "start"],
  );
  const pulls = readStandinState(solo)?.running?.pulls ?? [];
  assert.ok(pulls.length >= 3 && pulls.every((pull) => pull.ok), JSON.stringify(pulls));
});

test("1 controller + 3 workers: controller first, workers join with a token that is removed afterwards", async () => {
  const run = await apply(CLUSTER.map(([name]) => name));
  assert.equal(run.status, "succeeded", run.nodes.map((n) => `${n.node}: ${n.error}`).join("\n"));
  const cpStart = readStandinCalls(lab.host("cp")).find((call) => call.argv[0] === "start");
  for (const [name] of CLUSTER.slice(1)) {
    const calls = readStandinCalls(lab.host(name));
    const install = calls.find((call) => call.argv[0] === "install");
    assert.deepEqual(install?.argv, ["install", "worker", "--token-file", "/etc/k0s/join-token"]);
    assert.ok(install?.tokenFile?.sha256, "the token file was there at install");
    assert.ok(
      (install?.time ?? "") > (cpStart?.time ?? ""),
      "workers install after the controller started",
    );
    assert.equal(
      lab.host(name).readFile("/etc/k0s/join-token"),
      undefined,
      "the token is deleted afterwards",
    );
    assert.ok(readStandinState(lab.host(name))?.running?.pulls.every((pull) => pull.ok));
  }
  assert.ok(commands("cp").includes("token create --role=worker --expiry=1h"));
  const log = linesOf(eventsAfter({ db, runId: run.id }))
    .map((event) => event.line)
    .join("\n");
  assert.doesNotMatch(log, /eyJ|H4sI/, "no token in the log");
});

test("a run without the initial controller never starts a second cluster: a new controller waits for it", async () => {
  // w3, reset, becomes a second controller; a run on it alone (as a retry of its failure would be)
  await lab.sshExec("w3", "k0s stop; k0s reset");
  updateNode({ db, key, name: "w3", patch: { role: "controller" } });
  const before = commands("w3").length;
  try {
    const alone = await apply(["w3"]);
    assert.equal(alone.status, "failed");
    assert.match(
      alone.nodes[0]?.error ?? "",
      /^the initial controller cp is not in this run \(it makes the join tokens\): include it, so w3 cannot join/,
    );
    assert.ok(
      !commands("w3")
        .slice(before)
        .some((call) => call.startsWith("install")),
      "nothing installed",
    );
    const withIt = await apply(["cp", "w3"]);
    assert.equal(withIt.status, "succeeded", JSON.stringify(withIt.nodes));
    assert.ok(commands("w3").some((call) => /^install controller .*--token-file/.test(call)));
  } finally {
    updateNode({ db, key, name: "w3", patch: { role: "worker" } });
  }
});

test("a second apply changes nothing and installs nothing again", async () => {
  const before = commands("cp").length;
  const run = await apply(CLUSTER.map(([name]) => name));
  assert.equal(run.status, "succeeded");
  const lines = linesOf(eventsAfter({ db, runId: run.id })).map((event) => event.line);
  assert.ok(lines.filter((line) => /^unchanged /.test(line)).length >= 4 * 4);
  assert.equal(lines.filter((line) => /^(created|updated) /.test(line)).length, 0);
  assert.ok(
    !commands("cp")
      .slice(before)
      .some((c) => c.startsWith("install")),
    "no reinstall",
  );
});

test("a wrong mirror layout is caught by the verify stage with the images that failed", async () => {
  await apply(["solo"]).then((run) => assert.equal(run.status, "succeeded"));
  setMirror({ prefix: "no-such-prefix" });
  // k0s restarts containerd when a drop-in changes; here a fresh start shows the new pulls
  const solo = lab.host("solo");
  await lab.sshExec(solo, "k0s stop && k0s reset");
  const run = await apply(["solo"]);
  const node = run.nodes[0];
  assert.equal(node?.state, "failed");
  assert.equal(node?.stages.at(-1)?.name, "verify");
  assert.match(
    node?.error ?? "",
    /image pulls failing: .*quay\.io\/k0sproject\/coredns:1\.12\.2 \((ErrImagePull|ImagePullBackOff)\)/,
  );
  setMirror("flat");
  // the stand-in pulls once, at start: begin the next tests from a fresh k0s
  await lab.sshExec(solo, "k0s stop && k0s reset");
});

const QUAY_HOSTS = "/etc/k0s/containerd.d/certs.d/quay.io/hosts.toml";

test("rollback puts back the files a chosen run changed", async () => {
  const solo = lab.host("solo");
  await apply(["solo"]).then((run) => assert.equal(run.status, "succeeded"));
  const flat = solo.readFile(QUAY_HOSTS);
  setMirror({ prefix: "k0rdent-enterprise" });
  const changed = await apply(["solo"]);
  setMirror("flat");
  assert.match(solo.readFile(QUAY_HOSTS) ?? "", /\/v2\/k0rdent-enterprise/);
  assert.equal(
    solo.readFile(`/etc/k0s/.backup/${changed.id}${QUAY_HOSTS}`),
    flat,
    "the previous version was backed up",
  );
  const rollback = await apply(["solo"], "rollback", changed.id);
  assert.equal(rollback.status, "succeeded", rollback.nodes[0]?.error ?? "");
  assert.equal(solo.readFile(QUAY_HOSTS), flat);
});

test("reset stops k0s, runs k0s reset and removes the files the console wrote", async () => {
  const solo = lab.host("solo");
  const run = await apply(["solo"], "reset");
  assert.equal(run.status, "succeeded", run.nodes[0]?.error ?? "");
  const calls = commands("solo");
  assert.deepEqual(calls.slice(-2), ["stop", "reset"]);
  assert.equal(solo.readFile(QUAY_HOSTS), undefined);
  assert.equal(solo.readFile("/etc/k0s/containerd.d/cri-registry.toml"), undefined);
  assert.equal(solo.readFile("/etc/k0s/k0s.yaml"), undefined);
});

test("a node that is down fails alone; retrying its failed nodes completes it", async () => {
  await lab.down("crash");
  const run = await apply(["solo", "crash"]);
  assert.equal(run.status, "failed");
  const soloState = run.nodes.find((n) => n.node === "solo");
  assert.equal(soloState?.state, "succeeded", soloState?.error ?? "");
  const crashed = run.nodes.find((n) => n.node === "crash");
  assert.equal(crashed?.state, "failed");
  assert.equal(crashed?.stages.at(-1)?.name, "connect");
  assert.match(crashed?.error ?? "", /connection refused/);
  await lab.restart("crash");
  const failed = run.nodes.filter((n) => n.state !== "succeeded").map((n) => n.node);
  const { id, done } = startApply(failed, { retryOf: run.id });
  await done;
  const retry = getRun({ db, id });
  assert.equal(retry?.status, "succeeded", JSON.stringify(retry?.nodes));
  assert.deepEqual(
    retry?.nodes.map((n) => n.node),
    ["crash"],
  );
});

test("a stage that outlasts the stage timeout fails its node, naming the stage; the others finish", async () => {
  // crash's k0s reset and its registry cut off (packets dropped): its `k0s start` hangs on pulls
  await lab.sshExec("crash", "k0s stop; k0s reset");
  await lab.blockPort("crash", 5000, { direction: "out", action: "drop" });
  try {
    const { id, done } = startApply(["solo", "crash"], { stageTimeoutSeconds: 3 });
    await done;
    const run = getRun({ db, id });
    assert.equal(run?.status, "failed");
    assert.equal(
      (run?.inputs as { stageTimeoutSeconds?: number } | undefined)?.stageTimeoutSeconds,
      3,
    );
    const solo = run?.nodes.find((n) => n.node === "solo");
    assert.equal(solo?.state, "succeeded", solo?.error ?? "");
    const crashed = run?.nodes.find((n) => n.node === "crash");
    assert.equal(crashed?.state, "failed");
    assert.deepEqual(
      crashed?.stages.map((stage) => [stage.name, stage.state]),
      [
        ["connect", "succeeded"],
        ["write files", "succeeded"],
        ["install k0s", "failed"],
      ],
    );
    assert.match(crashed?.error ?? "", /^install k0s timed out after 3 s/);
    // the run's summary names the node, the stage and the reason
    const summary = linesOf(eventsAfter({ db, runId: id }))
      .filter((event) => event.node === null)
      .at(-1);
    assert.match(
      summary?.line ?? "",
      /^failed on 1 node — crash \(install k0s\): install k0s timed out/,
    );
  } finally {
    await lab.unblockPort("crash", 5000, { direction: "out", action: "drop" });
  }
});

test("a connect that outlasts the stage timeout fails the node at connect", async () => {
  await lab.freeze("crash"); // sshd stopped: the TCP connection opens, the SSH banner never comes
  try {
    const { id, done } = startApply(["crash"], { stageTimeoutSeconds: 1 });
    await done;
    const crashed = getRun({ db, id })?.nodes[0];
    assert.equal(crashed?.state, "failed");
    assert.deepEqual(
      crashed?.stages.map((stage) => [stage.name, stage.state]),
      [["connect", "failed"]],
    );
    assert.match(crashed?.error ?? "", /^connect timed out after 1 s/);
  } finally {
    await lab.thaw("crash");
  }
});

test("a node that crashes in the middle of its file stage keeps its old files, the others finish, and a retry completes it", async () => {
  const crash = lab.host("crash");
  const mirrorFiles = () =>
    new Map(
      hostFiles(crash, "/etc/k0s/containerd.d")
        .filter((file) => !file.includes(".k0s-console."))
        .map((file) => [file, crash.readFile(file)]),
    );
  const before = mirrorFiles();
  assert.ok(before.size > 0, "crash has mirror files from the earlier applies");
  setMirror({ prefix: "crashed-mid-write" }); // every hosts.toml changes
  // a `cat` on crash (first in PATH) that holds the write exec before it has read its content
  const holdingCat =
    '#!/bin/sh\nwhile [ ! -e /var/lib/k0s-test-go ]; do sleep 0.05; done\nexec /usr/bin/cat "$@"\n';
  const installed = await lab.sshExec(
    "crash",
    "rm -f /var/lib/k0s-test-go && /usr/bin/cat > /usr/local/bin/cat && chmod 755 /usr/local/bin/cat",
    { input: holdingCat },
  );
  assert.equal(installed.code, 0, installed.stderr);
  try {
    const { id, done } = startApply(["solo", "crash"]);
    await waitFor("crash's write exec to be receiving", () => consoleTempFiles(crash).length > 0, {
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    // every process on crash but its init is killed: the session and the write script with it
    assert.ok((await lab.killSessions("crash", { all: true })) > 0);
    await done;
    const run = getRun({ db, id });
    const solo = run?.nodes.find((n) => n.node === "solo");
    assert.equal(solo?.state, "succeeded", solo?.error ?? "");
    const crashed = run?.nodes.find((n) => n.node === "crash");
    assert.equal(crashed?.state, "failed");
    assert.equal(crashed?.stages.at(-1)?.name, "write files");
    assert.match(crashed?.error ?? "", /dropped.*never a partial one/);
    assert.deepEqual(mirrorFiles(), before, "every file on crash is its old version");
    // the killed script could not clean up: its temp file stays, beside the targets
    const [stray, ...more] = consoleTempFiles(crash);
    assert.ok(stray && more.length === 0, "one stray temp file");

    // back to the flat layout (the files crash still has): a retry finds nothing to change,
    // since the crashed write changed nothing, and removes the stray once it is old
    setMirror("flat");
    const aged = await lab.sshExec(
      "crash",
      `rm /usr/local/bin/cat && touch -d '2 hours ago' ${shellQuote(stray)}`,
    );
    assert.equal(aged.code, 0, aged.stderr);
    const retry = startApply(["crash"], { retryOf: id });
    await retry.done;
    const retried = getRun({ db, id: retry.id });
    assert.equal(retried?.status, "succeeded", JSON.stringify(retried?.nodes));
    const result = retried?.nodes[0]?.result as { files: { status: string }[] } | undefined;
    assert.deepEqual(new Set(result?.files.map((file) => file.status)), new Set(["unchanged"]));
    assert.deepEqual(consoleTempFiles(crash), []);
    assert.ok(
      linesOf(eventsAfter({ db, runId: retry.id })).some((event) =>
        event.line.startsWith(`removed ${stray}: a temp file left by an interrupted write`),
      ),
    );
  } finally {
    await lab.sshExec("crash", "rm -f /usr/local/bin/cat /var/lib/k0s-test-go");
    setMirror("flat");
  }
});

test("two runs never change one node at once; plans and other nodes may overlap", async () => {
  const first = startApply(["solo"]);
  const busy = (error: unknown) =>
    error instanceof RunBusyError &&
    error.message.startsWith(`solo is being changed by run ${first.id} (apply)`);
  assert.throws(() => startApply(["w1", "solo"]), busy);
  assert.throws(
    () => startRun({ db, key, action: "reset", nodes: ["solo"], startedBy: "test" }),
    busy,
  );
  const plan = startRun({ db, key, action: "plan", nodes: ["solo"], startedBy: "test" });
  const elsewhere = startApply(["w1"]);
  await Promise.all([first.done, plan.done, elsewhere.done]);
  assert.equal(getRun({ db, id: first.id })?.status, "succeeded");
  assert.equal(
    getRun({ db, id: plan.id })?.status,
    "succeeded",
    JSON.stringify(getRun({ db, id: plan.id })?.nodes),
  );
  // finished: the node is free again
  const again = startApply(["solo"]);
  await again.done;
  assert.equal(getRun({ db, id: again.id })?.status, "succeeded");
});

test("a cancelled run starts no stage and says so", async () => {
  const { id, done } = startApply(["solo"]);
  assert.equal(cancelRun(id), true);
  await done;
  const run = getRun({ db, id });
  assert.equal(run?.status, "cancelled");
  assert.equal(run?.nodes[0]?.state, "cancelled");
  assert.equal(cancelRun(id), false, "a finished run cannot be cancelled");
});

test("without k0s on the node the apply says so; with a binary it uploads it once, checked by sha256", async () => {
  const missing = await apply(["fresh"]);
  assert.match(missing.nodes[0]?.error ?? "", /no k0s binary on the node/);
  const executable = await k0sStandinExecutable({ version: VERSION });
  const { binary } = await receiveBinary({
    db,
    body: new Response(executable).body as ReadableStream,
    name: "k0s",
  });
  assert.equal(binary.version, `v${VERSION}+k0s.0`);
  const first = await apply(["fresh"], "apply", undefined, binary.sha256);
  assert.equal(first.status, "succeeded", first.nodes[0]?.error ?? "");
  assert.deepEqual(
    first.nodes[0]?.stages.map((s) => s.name),
    ["connect", "upload k0s", "write files", "install k0s", "verify"],
  );
  assert.equal(lab.host("fresh").readFile("/usr/local/bin/k0s"), executable);
  const second = await apply(["fresh"], "apply", undefined, binary.sha256);
  const lines = linesOf(eventsAfter({ db, runId: second.id })).map((event) => event.line);
  assert.ok(lines.some((line) => /is already this binary .*not uploaded/.test(line)));
});
