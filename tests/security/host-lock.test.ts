/**
 * One host, one run at a time, attacked through the built console with a real sshd test host
 * (running the k0s stand-in): a second name for the host — the same address spelled another way,
 * a duplicate, a patch, a second address of the machine (same host key) — is refused, naming the
 * node it would copy; and where an older inventory already holds two names for the host, an apply
 * through one name and a reset through the other are never both running: the second is a 409
 * naming the node, the host and the run.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { installK0sStandin, readStandinState } from "../lab/k0s-standin/install";
import { STANDIN_PATHS } from "../lab/k0s-standin/state";
import { LAB_OVERRIDE } from "../lab/lab-inventory";
import { inNetns } from "../lab/netns";
import { run } from "../lab/proc";
import { type SshHost, type SshLab, startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

let lab: SshLab;
let host: SshHost;
let console_: RunningConsole;
let db: Database;
/** a second address of the test host: another way to the same machine */
let secondAddress: string;

before(async () => {
  lab = await startSshLab({ hosts: [{ name: "machine" }], seed: false });
  host = lab.host("machine");
  await installK0sStandin(lab, host, { version: "1.32.8" });
  secondAddress = host.address.replace(/\.\d+$/, ".200");
  await run(...inNetns(host.netns, "ip", ["addr", "add", `${secondAddress}/24`, "dev", "eth0"]));
  console_ = await startConsole();
  db = openDatabase(console_.dataDir);
  const settings = await call("/api/settings", {
    method: "PUT",
    body: JSON.stringify({
      k0sVersion: "1.32.8",
      registries: ["registry.k8s.io"],
      mirror: { address: "10.0.0.5:5000", scheme: "http" },
    }),
  });
  assert.equal(settings.status, 200, await settings.text());
  const created = await addNode({ name: "a", address: host.address, role: "controller" });
  assert.equal(created.status, 201, await created.text());
});

after(async () => {
  db?.close();
  await console_?.stop();
  await lab?.stop();
});

function call(route: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${console_.token}`);
  headers.set("content-type", "application/json");
  return fetch(`${console_.url}${route}`, { ...init, headers });
}

function addNode(fields: Record<string, unknown>) {
  return call("/api/nodes", {
    method: "POST",
    body: JSON.stringify({
      auth: { kind: "key", privateKey: lab.keys.ed25519.privateKey },
      expectedFingerprint: host.fingerprint,
      ...fields,
    }),
  });
}

async function refusedAsSameHost(response: Response, other: string, mark: RegExp) {
  const body = (await response.json()) as { error: string };
  assert.equal(response.status, 409, body.error);
  assert.match(body.error, new RegExp(`would be the same host as node ${other}: the same `));
  assert.match(body.error, mark);
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

const startRun = (action: string, nodes: string[]) =>
  call("/api/runs", { method: "POST", body: JSON.stringify({ action, nodes, ...LAB_OVERRIDE }) });

describe("a second node for one host is refused, naming the first", () => {
  test("the same address, spelled as an IPv4-mapped IPv6 address", async () => {
    const [a = 0, b = 0, c = 0, d = 0] = host.address.split(".").map(Number);
    const mapped = `::FFFF:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    const response = await addNode({
      name: "a-again",
      address: mapped,
      role: "worker",
      expectedFingerprint: null,
    });
    await refusedAsSameHost(response, "a", new RegExp(`address ${escaped(host.address)}:22`));
  });

  test("a duplicate without a new address", async () => {
    const response = await call("/api/nodes/a/duplicate", {
      method: "POST",
      body: JSON.stringify({ name: "a-copy" }),
    });
    await refusedAsSameHost(response, "a", new RegExp(`address ${host.address}:22`));
  });

  test("a patch that moves another node onto the host", async () => {
    const elsewhere = await addNode({
      name: "elsewhere",
      address: "10.255.0.1",
      role: "worker",
      expectedFingerprint: null,
    });
    assert.equal(elsewhere.status, 201);
    const moved = await call("/api/nodes/elsewhere", {
      method: "PATCH",
      body: JSON.stringify({ address: host.address }),
    });
    await refusedAsSameHost(moved, "a", /address/);
    assert.equal((await call("/api/nodes/elsewhere", { method: "DELETE" })).status, 204);
  });

  test("another address of the same machine: its host key gives it away", async () => {
    const expected = await addNode({ name: "b", address: secondAddress, role: "worker" });
    await refusedAsSameHost(expected, "a", new RegExp(`host key ${escaped(host.fingerprint)}`));
    // added without a fingerprint, it is refused when its key is trusted
    const added = await addNode({
      name: "b",
      address: secondAddress,
      role: "worker",
      expectedFingerprint: null,
    });
    assert.equal(added.status, 201);
    const trusted = await call("/api/nodes/b/trust", {
      method: "POST",
      body: JSON.stringify({ fingerprint: host.fingerprint }),
    });
    await refusedAsSameHost(trusted, "a", new RegExp(`host key ${escaped(host.fingerprint)}`));
    assert.equal(
      ((await (await call("/api/nodes/b")).json()) as { node: { hostKey: unknown } }).node.hostKey,
      null,
    );
    assert.equal((await call("/api/nodes/b", { method: "DELETE" })).status, 204);
  });
});

/** A node row copied under another name, as an inventory from before the rule could hold it. */
function legacyAlias(name: string, changes: Record<string, string | null>) {
  const row = db.prepare("SELECT * FROM nodes WHERE name = 'a'").get() as Record<string, unknown>;
  const { id: _id, ...columns }: Record<string, unknown> = { ...row, ...changes, name };
  const names = Object.keys(columns);
  db.prepare(
    `INSERT INTO nodes (${names.join(", ")}) VALUES (${names.map((n) => `@${n}`).join(", ")})`,
  ).run(columns);
}

async function finished(id: string) {
  return waitFor(
    `run ${id} to finish`,
    async () => {
      const { run: state } = (await (await call(`/api/runs/${id}`)).json()) as {
        run: { status: string };
      };
      return state.status !== "running" && state.status;
    },
    { timeoutMs: 120_000, intervalMs: 200 },
  );
}

test("two names for one host: an apply through one and a reset through the other never run at once", async () => {
  // as `duplicate` made them: no host key pin, no expected fingerprint
  legacyAlias("a-alias", { expected_fingerprint: null });
  // a's apply holds in its `k0s start` until we let it go: it is running for sure meanwhile
  assert.equal((await lab.sshExec(host, `touch ${STANDIN_PATHS.holdStart}`)).code, 0);
  let applyId = "";
  try {
    const apply = await startRun("apply", ["a"]);
    assert.equal(apply.status, 202, await apply.clone().text());
    applyId = ((await apply.json()) as { id: string }).id;
    await waitFor(
      "a's k0s start to be under way",
      () => readStandinState(host)?.running?.starting,
      {
        timeoutMs: 60_000,
        describe: () => JSON.stringify(db.prepare("SELECT * FROM run_nodes").all()).slice(0, 4000),
      },
    );
    // a pinned a's key on connecting: a third name, at another address with that key pinned
    const pinned = db.prepare("SELECT host_key_fingerprint FROM nodes WHERE name = 'a'").get() as {
      host_key_fingerprint: string;
    };
    assert.equal(pinned.host_key_fingerprint, host.fingerprint);
    legacyAlias("a-key", { address: secondAddress, expected_fingerprint: null });

    const byAddress = await startRun("reset", ["a-alias"]);
    const addressBody = (await byAddress.json()) as { error: string };
    assert.equal(byAddress.status, 409, addressBody.error);
    assert.equal(
      addressBody.error,
      `a-alias is being changed by run ${applyId} (apply) as a, the same host (address ${host.address}:22): wait for it to finish, or cancel it`,
    );
    const byKey = await startRun("reset", ["a-key"]);
    const keyBody = (await byKey.json()) as { error: string };
    assert.equal(byKey.status, 409, keyBody.error);
    assert.match(
      keyBody.error,
      new RegExp(
        `^a-key is being changed by run ${applyId} \\(apply\\) as a, the same host \\(host key ${escaped(host.fingerprint)}\\)`,
      ),
    );
    const plan = await startRun("plan", ["a-alias"]);
    assert.equal(plan.status, 202, "plans only read: they may overlap");
  } finally {
    await lab.sshExec(host, `rm -f ${STANDIN_PATHS.holdStart}`);
  }
  assert.equal(await finished(applyId), "succeeded");
  // one run never takes two names of one host either
  const both = await startRun("reset", ["a", "a-alias"]);
  assert.equal(both.status, 400);
  assert.match(((await both.json()) as { error: string }).error, /a and a-alias are one host/);
  // the apply is over: the host is free again
  const reset = await startRun("reset", ["a"]);
  assert.equal(reset.status, 202, await reset.clone().text());
  assert.equal(await finished(((await reset.json()) as { id: string }).id), "succeeded");
});

test("a name from before the rule, at another address of the machine, fails its checks on the shared key", async () => {
  // its key expected, not yet pinned
  legacyAlias("a-twin", {
    address: secondAddress,
    host_key_type: null,
    host_key_fingerprint: null,
    host_key_trusted_at: null,
  });
  const response = await call("/api/checks", {
    method: "POST",
    body: JSON.stringify({ nodes: ["a-twin"] }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const { results } = (await response.json()) as {
    results: { check: string; status: string; reason: string }[];
  };
  const hostKey = results.find((result) => result.check === "ssh.host-key");
  assert.equal(hostKey?.status, "fail");
  assert.match(
    hostKey?.reason ?? "",
    /^a-twin would be the same host as node a: the same host key /,
  );
  const twin = (await (await call("/api/nodes/a-twin")).json()) as { node: { hostKey: unknown } };
  assert.equal(twin.node.hostKey, null, "its key was not pinned");
});
