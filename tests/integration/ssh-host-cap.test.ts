/**
 * The console-wide cap on SSH connections per host, on a real sshd test host: pre-flight checks
 * and plans started together on one host never hold more connections to it than
 * CONSOLE_SSH_SESSIONS_PER_HOST; the others wait their turn in the console, then all finish.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { runFleetChecks } from "@/lib/checks/service";
import type { Database } from "@/lib/inventory/db";
import type { SecretKey } from "@/lib/inventory/secrets";
import { putFleetSettings } from "@/lib/inventory/settings";
import { startRun } from "@/lib/runs/executor";
import { getRun } from "@/lib/runs/store";
import { SshSession } from "@/lib/ssh/client";
import { addLabNodes, labInventory } from "../lab/lab-inventory";
import { type SshHost, type SshLab, startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

const CAP = 2;
// read by the console's settings at the first SSH connection of this (test file's own) process
process.env.CONSOLE_SSH_SESSIONS_PER_HOST = String(CAP);

let lab: SshLab;
let busy: SshHost;
let dir: string;
let db: Database;
let key: SecretKey;

/**
 * `cat` and `base64` on the host (first in PATH; the checks' facts script runs cat, a plan's
 * read script base64): each call records how many TCP connections sshd has established right
 * now, then waits for the go file. Both files are on the host's own /run (a tmpfs).
 */
const GATE = `#!/bin/sh
awk '$4 == "01" && $2 ~ /:0016$/' /proc/net/tcp /proc/net/tcp6 2>/dev/null | wc -l >> /run/k0s-test-sessions
while [ ! -e /run/k0s-test-go ]; do sleep 0.05; done
exec "/usr/bin/\${0##*/}" "$@"
`;

before(async () => {
  lab = await startSshLab({ hosts: [{ name: "busy" }] });
  busy = lab.host("busy");
  ({ dir, db, key } = labInventory("ssh-host-cap-"));
  putFleetSettings({
    db,
    settings: {
      k0sVersion: "1.32.8",
      registries: ["registry.k8s.io"],
      mirror: { address: lab.registryAddress ?? "", scheme: "http" },
    },
  });
  addLabNodes({ db, key }, lab, () => ({ role: "worker" }));
});

after(async () => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await lab?.stop();
});

/** A file on the host's own /run, through its PID 1's root (no SSH connection of our own). */
function onHost(path: string): string {
  const pid1 = busy.pid1();
  assert.ok(pid1, "busy is running");
  return `/proc/${pid1}/root${path}`;
}

/** The established connections each gated call saw. */
function seen(): number[] {
  try {
    return readFileSync(onHost("/run/k0s-test-sessions"), "utf8").trim().split("\n").map(Number);
  } catch {
    return [];
  }
}

test(`checks and plans on one host at once hold at most ${CAP} SSH connections to it`, async () => {
  // the gate goes in over one connection, before anything else connects
  const installed = await lab.sshExec(
    busy,
    "/usr/bin/cat > /usr/local/bin/cat && /usr/bin/cp /usr/local/bin/cat /usr/local/bin/base64 && chmod 755 /usr/local/bin/cat /usr/local/bin/base64",
    { input: GATE },
  );
  assert.equal(installed.code, 0, installed.stderr);
  const endpoint = { host: busy.address, port: busy.port };
  const checks = Array.from({ length: 4 }, () => runFleetChecks({ db, key, nodes: ["busy"] }));
  const plans = Array.from({ length: 2 }, () =>
    startRun({ db, key, action: "plan", nodes: ["busy"], startedBy: "test" }),
  );
  try {
    // two hold their connection in the gate; the four others wait in the console, unconnected
    await waitFor(
      "two sessions in the gate and four waiting",
      () => {
        const counts = SshSession.slotCounts(endpoint);
        return seen().length === CAP && counts.held === CAP && counts.waiting === 6 - CAP;
      },
      { timeoutMs: 60_000, describe: () => JSON.stringify(SshSession.slotCounts(endpoint)) },
    );
    assert.equal(Math.max(...seen()), CAP, "the gated sessions saw each other, and no more");
  } finally {
    writeFileSync(onHost("/run/k0s-test-go"), "");
    await Promise.allSettled([...checks, ...plans.map((plan) => plan.done)]);
  }
  const results = await Promise.all(checks);
  await Promise.all(plans.map((plan) => plan.done));
  for (const result of results)
    assert.equal(result.find((r) => r.check === "ssh.auth")?.status, "pass");
  for (const plan of plans) assert.equal(getRun({ db, id: plan.id })?.status, "succeeded");
  const counts = seen();
  assert.ok(counts.length > 6, `every session ran gated commands (${counts.length} calls)`);
  assert.ok(
    counts.every((count) => count <= CAP),
    `never more than ${CAP} connections: ${counts}`,
  );
  // each slot is given back once its connection has closed
  await waitFor("every slot to be given back", () => SshSession.slotCounts(endpoint).held === 0, {
    timeoutMs: 10_000,
  });
});
