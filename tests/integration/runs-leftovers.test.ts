/**
 * What an interrupted install leaves on a node, on real sshd test hosts running the k0s stand-in:
 * the session to a joining worker is killed while its `k0s start` is under way. The retry removes
 * the join token the killed run left, recognises the k0s start already under way ("already
 * running", as k0s answers) and succeeds; no token file remains.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Database } from "@/lib/inventory/db";
import type { SecretKey } from "@/lib/inventory/secrets";
import { JOIN_TOKEN_PATH } from "@/lib/render/install-steps";
import { startRun } from "@/lib/runs/executor";
import { ALREADY_STARTED_NOTE } from "@/lib/runs/install-script";
import { linesOf } from "@/lib/runs/run-event";
import { eventsAfter, getRun } from "@/lib/runs/store";
import { readStandinCalls, readStandinState } from "../lab/k0s-standin/install";
import { STANDIN_PATHS } from "../lab/k0s-standin/state";
import { addLabNodes, LAB_OVERRIDE } from "../lab/lab-inventory";
import type { SshLab } from "../lab/ssh-hosts";
import { type StandinInventory, startStandinInventory } from "../lab/standin-inventory";
import { waitFor } from "../lab/wait";

let lab: SshLab;
let db: Database;
let key: SecretKey;
let inventory: StandinInventory | undefined;

before(async () => {
  inventory = await startStandinInventory({
    hosts: ["cp", "w"],
    prefix: "runs-leftovers-",
    registries: ["registry.k8s.io", "quay.io", "docker.io"],
  });
  ({ lab, db, key } = inventory);
  addLabNodes({ db, key }, lab, (host) => ({
    role: host.name === "cp" ? "controller" : "worker",
  }));
});

after(() => inventory?.stop());

const apply = (nodes: string[], retryOf?: string) =>
  startRun({ db, key, action: "apply", nodes, startedBy: "test", retryOf, ...LAB_OVERRIDE });

test("an install killed while k0s starts: the retry removes the join token, waits for the start under way, and succeeds", async () => {
  const w = lab.host("w");
  // w's `k0s start` holds once its service counts as started, before k0s is up
  assert.equal((await lab.sshExec(w, `touch ${STANDIN_PATHS.holdStart}`)).code, 0);
  try {
    const first = apply(["cp", "w"]);
    await waitFor("w's k0s start to be under way", () => readStandinState(w)?.running?.starting, {
      timeoutMs: 90_000,
    });
    assert.ok(w.readFile(JOIN_TOKEN_PATH), "w has its join token while it installs");
    // the connection drops (sshd's session processes killed); the start on the node goes on
    assert.ok((await lab.killSessions(w)) > 0);
    await first.done;
    const killed = getRun({ db, id: first.id })?.nodes.find((node) => node.node === "w");
    assert.equal(killed?.state, "failed");
    assert.equal(killed?.stages.at(-1)?.name, "install k0s");
    assert.ok(w.readFile(JOIN_TOKEN_PATH), "the killed run could not remove the token");

    const retry = apply(["w"], first.id);
    // the retry's `k0s start` is refused as k0s refuses it; then the first start may finish
    await waitFor(
      "the retry's k0s start to be refused",
      () =>
        readStandinCalls(w).some(
          (call) => call.argv[0] === "start" && /already running/.test(call.error ?? ""),
        ),
      { timeoutMs: 90_000 },
    );
    assert.equal(w.readFile(JOIN_TOKEN_PATH), undefined, "the retry removed the stale token");
    assert.equal((await lab.sshExec(w, `rm ${STANDIN_PATHS.holdStart}`)).code, 0);
    await retry.done;
    const retried = getRun({ db, id: retry.id });
    assert.equal(retried?.status, "succeeded", JSON.stringify(retried?.nodes));
    assert.deepEqual(
      retried?.nodes[0]?.stages.map((stage) => [stage.name, stage.state]),
      [
        ["connect", "succeeded"],
        ["write files", "succeeded"],
        ["start k0s", "succeeded"],
        ["verify", "succeeded"],
      ],
    );
    const lines = linesOf(eventsAfter({ db, runId: retry.id })).map((event) => event.line);
    assert.ok(
      lines.includes(`removed ${JOIN_TOKEN_PATH}: a join token left by an interrupted install`),
    );
    assert.ok(lines.includes(ALREADY_STARTED_NOTE), lines.join("\n"));
    assert.equal(readStandinState(w)?.running?.starting, undefined, "k0s is up");
    assert.equal(w.readFile(JOIN_TOKEN_PATH), undefined, "no token file remains");
  } finally {
    await lab.sshExec(w, `rm -f ${STANDIN_PATHS.holdStart}`);
  }
});

test("a token never outlives its install: a join that fails removes it in the same command", async () => {
  const w = lab.host("w");
  // w starts over, with a containerd drop-in k0s cannot read: its start fails after the install
  const broken = "/etc/k0s/containerd.d/broken.toml";
  const reset = await lab.sshExec(w, `k0s stop; k0s reset && printf 'x[' > ${broken}`);
  assert.equal(reset.code, 0, reset.stderr);
  try {
    const run = apply(["cp", "w"]);
    await run.done;
    const failed = getRun({ db, id: run.id })?.nodes.find((node) => node.node === "w");
    assert.equal(failed?.state, "failed");
    assert.equal(failed?.stages.at(-1)?.name, "install k0s");
    assert.match(failed?.error ?? "", /broken\.toml/);
    const install = readStandinCalls(w).findLast((call) => call.argv[0] === "install");
    assert.ok(install?.tokenFile?.sha256, "the token was there for the install");
    assert.equal(w.readFile(JOIN_TOKEN_PATH), undefined, "and gone when the command ended");
  } finally {
    await lab.sshExec(w, `rm -f ${broken}`);
  }
});
