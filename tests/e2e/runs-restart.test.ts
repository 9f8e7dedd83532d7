/**
 * The console process dies in the middle of an apply: after a restart the run shows as
 * interrupted, the inventory is intact, and retrying the unfinished nodes completes them. And a
 * console stopped on purpose (SIGTERM) closes its open event streams and exits at once.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RunningConsole, startConsole } from "../lab/console-server";
import type { SshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";
import { startStandinFleet } from "./standin-fleet";

let lab: SshLab;
let server: RunningConsole;

before(async () => {
  ({ lab, server } = await startStandinFleet(["fast", "stuck"]));
});

after(async () => {
  await server?.stop();
  await lab?.stop();
});

async function call(route: string, method = "GET", body?: unknown) {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(
    response.status < 400,
    `${method} ${route}: ${response.status} ${await response.clone().text()}`,
  );
  return response.status === 204 ? null : response.json();
}

interface RunView {
  status: string;
  inputs: { concurrency?: number; stageTimeoutSeconds?: number };
  nodes: { node: string; state: string; stages: { name: string; state: string }[] }[];
}

async function runState(id: string): Promise<RunView> {
  return (await call(`/api/runs/${id}`)).run as RunView;
}

const installed = (run: RunView, node: string) =>
  run.nodes
    .find((n) => n.node === node)
    ?.stages.some((s) => s.name === "install k0s" && s.state === "succeeded");
const stateOf = (run: RunView, node: string) => run.nodes.find((n) => n.node === node)?.state;

test("a console restart mid-run marks the run interrupted, keeps the inventory, and retry finishes it", async () => {
  // stuck's image pulls hang on dropped packets, so its `k0s start` outlasts fast's install
  await lab.blockPort("stuck", 5000, { direction: "out", action: "drop" });
  const { id } = await call("/api/runs", "POST", {
    action: "apply",
    nodes: "all",
    concurrency: 5,
    stageTimeoutSeconds: 600,
  });
  // a node is done (and shown so) as soon as it is verified, not when the whole run is
  const midRun = await waitFor(
    "fast to have succeeded while stuck still hangs",
    async () => {
      const run = await runState(id);
      return run.status === "running" && stateOf(run, "fast") === "succeeded" && run;
    },
    { timeoutMs: 30_000 },
  );
  assert.equal(stateOf(midRun, "stuck"), "running");

  await server.kill();
  server = await startConsole({ dataDir: server.dataDir });
  const interrupted = await runState(id);
  assert.equal(interrupted.status, "interrupted");
  assert.deepEqual(
    interrupted.nodes.map((n) => [n.node, n.state]),
    [
      ["fast", "succeeded"],
      ["stuck", "interrupted"],
    ],
    "a node that finished before the crash keeps its outcome",
  );
  assert.ok(installed(interrupted, "fast"), "what was done before the crash stays recorded");
  const { nodes } = await call("/api/nodes");
  assert.deepEqual(
    nodes.map((node: { name: string; hostKey: unknown }) => [node.name, node.hostKey !== null]),
    [
      ["fast", true],
      ["stuck", true],
    ],
  );

  // the dead run's half-started k0s on stuck is stopped, then the registry let through again
  await lab.sshExec("stuck", "k0s stop; k0s reset");
  await lab.unblockPort("stuck", 5000, { direction: "out", action: "drop" });
  const retry = await call(`/api/runs/${id}/retry`, "POST");
  assert.deepEqual(retry.nodes, ["stuck"], "only the node that did not finish");
  const finished = await waitFor(
    "the retry to finish",
    async () => {
      const run = await runState(retry.id);
      return run.status !== "running" && run;
    },
    { timeoutMs: 60_000 },
  );
  assert.equal(finished.status, "succeeded", JSON.stringify(finished.nodes));
  assert.deepEqual(
    [finished.inputs.concurrency, finished.inputs.stageTimeoutSeconds],
    [5, 600],
    "the retry keeps the first run's options",
  );
  assert.match(
    lab.host("stuck").readFile("/etc/k0s/containerd.d/cri-registry.toml") ?? "",
    /config_path/,
  );
});

test("SIGTERM closes the open event streams at once: the console exits without being killed", async () => {
  // stuck's sshd stopped: its connect hangs, so the run stays open
  await lab.freeze("stuck");
  try {
    const { id } = await call("/api/runs", "POST", { action: "plan", nodes: ["stuck"] });
    const events = await fetch(`${server.url}/api/runs/${id}/events`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(events.status, 200);
    const reader = events.body?.getReader();
    assert.ok(reader);
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("ssh ")) {
      const { value, done } = await reader.read();
      assert.ok(!done, "the stream ended before the connect line");
      text += decoder.decode(value, { stream: true });
    }
    const ended = (async () => {
      try {
        while (!(await reader.read()).done) {}
      } catch {}
      return "ended";
    })();
    const { signal } = await server.stop({ keepData: true });
    assert.notEqual(signal, "SIGKILL", "the console needed SIGKILL: something held it open");
    assert.equal(await ended, "ended");
    server = await startConsole({ dataDir: server.dataDir });
    assert.equal((await runState(id)).status, "interrupted");
  } finally {
    await lab.thaw("stuck");
  }
});
