import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { parseEnv } from "@/lib/env";
import { openDatabase } from "@/lib/inventory/db";
import { pinHostKey } from "@/lib/inventory/host-keys";
import { parseInventory } from "@/lib/inventory/import";
import { importNodes } from "@/lib/inventory/import-nodes";
import { createNode, duplicateNode, listNodes, updateNode } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";
import { checkHostsFree, type LockingRun } from "@/lib/runs/host-lock";
import type { RunAction } from "@/lib/runs/types";
import { hostEndpoint, normaliseHost } from "@/lib/ssh/host-identity";
import { KeyedSemaphore } from "@/lib/ssh/host-slots";

describe("one spelling per host address", () => {
  const cases: [string, string][] = [
    ["10.0.0.1", "10.0.0.1"],
    ["Node-1.Example.", "node-1.example"],
    ["FD00::1", "fd00::1"],
    ["[fd00:0:0::1]", "fd00::1"],
    ["fd00:0000:0000:0000:0000:0000:0000:0001", "fd00::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["::ffff:10.0.0.1", "10.0.0.1"],
    ["::FFFF:a00:1", "10.0.0.1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7"],
    ["::", "::"],
  ];
  for (const [input, expected] of cases) {
    test(`${input} → ${expected}`, () => assert.equal(normaliseHost(input), expected));
  }
  test("endpoints: IPv6 in brackets, the bastion named", () => {
    assert.equal(hostEndpoint("FD00::1", 22), "[fd00::1]:22");
    assert.equal(
      hostEndpoint("10.0.0.5", 22, { address: "Jump.example", port: 2222 }),
      "10.0.0.5:22 via jump.example:2222",
    );
  });
});

describe("per-host slots", () => {
  test("at most the limit per key; waiters are served first come, first served", async () => {
    const slots = new KeyedSemaphore(() => 2);
    const order: string[] = [];
    const a = await slots.acquire("h");
    const b = await slots.acquire("h");
    const other = await slots.acquire("elsewhere"); // another host is not held back
    const waiters = ["c", "d", "e"].map((name) =>
      slots.acquire("h").then((release) => {
        order.push(name);
        return release;
      }),
    );
    await Promise.resolve();
    assert.deepEqual(slots.counts("h"), { held: 2, waiting: 3 });
    assert.deepEqual(order, []);
    a();
    a(); // a second release gives nothing back twice
    const c = await waiters[0];
    assert.deepEqual(slots.counts("h"), { held: 2, waiting: 2 });
    b();
    c?.();
    const [, d, e] = await Promise.all(waiters);
    assert.deepEqual(order, ["c", "d", "e"]);
    assert.deepEqual(slots.counts("h"), { held: 2, waiting: 0 });
    d?.();
    e?.();
    other();
    assert.deepEqual(slots.counts("h"), { held: 0, waiting: 0 });
    assert.deepEqual(slots.counts("elsewhere"), { held: 0, waiting: 0 });
  });

  test("a slot released goes to a waiter, not to someone asking later", async () => {
    const slots = new KeyedSemaphore(() => 1);
    const first = await slots.acquire("h");
    const served: string[] = [];
    const servedAs = (name: string) => (release: () => void) => {
      served.push(name);
      return release;
    };
    const waiter = slots.acquire("h").then(servedAs("waiter"));
    first();
    const late = slots.acquire("h").then(servedAs("late"));
    await waiter;
    assert.deepEqual(served, ["waiter"]);
    assert.deepEqual(slots.counts("h"), { held: 1, waiting: 1 });
    (await waiter)();
    await late;
    assert.deepEqual(served, ["waiter", "late"]);
  });

  test("the setting: CONSOLE_SSH_SESSIONS_PER_HOST, 4 by default, 1 to 64", () => {
    assert.equal(parseEnv({}).sshSessionsPerHost, 4);
    assert.equal(parseEnv({ CONSOLE_SSH_SESSIONS_PER_HOST: "2" }).sshSessionsPerHost, 2);
    for (const bad of ["0", "65", "many"])
      assert.throws(
        () => parseEnv({ CONSOLE_SSH_SESSIONS_PER_HOST: bad }),
        /CONSOLE_SSH_SESSIONS_PER_HOST/,
      );
  });
});

describe("one machine, one node", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const fingerprint = (char: string) => `SHA256:${char.repeat(43)}`;
  function store() {
    const dir = mkdtempSync(path.join(tmpdir(), "same-host-"));
    dirs.push(dir);
    const inventory = { db: openDatabase(dir), key: loadSecretKey(dir) };
    createNode({
      ...inventory,
      input: {
        name: "cp-1",
        address: "fd00::11",
        role: "controller",
        expectedFingerprint: fingerprint("a"),
      },
    });
    createNode({ ...inventory, input: { name: "w-1", address: "w-1.example", role: "worker" } });
    return inventory;
  }
  const sameHost = (other: string) => ({
    code: "conflict",
    message: new RegExp(`would be the same host as node ${other}: the same `),
  });

  test("another spelling of the same address and port is refused, naming the node", () => {
    const { db, key } = store();
    for (const address of ["FD00:0::11", "fd00:0:0:0:0:0:0:11"])
      assert.throws(
        () => createNode({ db, key, input: { name: "x", address, role: "worker" } }),
        sameHost("cp-1"),
      );
    assert.throws(
      () => createNode({ db, key, input: { name: "x", address: "W-1.Example.", role: "worker" } }),
      { message: /same host as node w-1: the same address w-1\.example:22\./ },
    );
    // another port, or the same address behind a bastion, is another host
    createNode({
      db,
      key,
      input: { name: "p", address: "w-1.example", port: 2222, role: "worker" },
    });
    createNode({
      db,
      key,
      input: {
        name: "b",
        address: "fd00::11",
        role: "worker",
        bastion: { address: "j", user: "j" },
      },
    });
    assert.deepEqual(
      listNodes({ db }).map((node) => node.name),
      ["b", "cp-1", "p", "w-1"],
    );
  });

  test("duplicate without a new address, and a patch onto another node's address, are refused", () => {
    const { db, key } = store();
    assert.throws(() => duplicateNode({ db, name: "cp-1", newName: "cp-2" }), sameHost("cp-1"));
    assert.throws(
      () => updateNode({ db, key, name: "w-1", patch: { address: "fd00::11" } }),
      sameHost("cp-1"),
    );
    // changing anything else of a node is not a new host
    updateNode({ db, key, name: "cp-1", patch: { labels: { a: "b" } } });
    assert.deepEqual(
      listNodes({ db }).map((node) => [node.name, node.address]),
      [
        ["cp-1", "fd00::11"],
        ["w-1", "w-1.example"],
      ],
    );
  });

  test("one host key on two nodes is refused: when expected, and when pinned", () => {
    const { db, key } = store();
    assert.throws(
      () => updateNode({ db, key, name: "w-1", patch: { expectedFingerprint: fingerprint("a") } }),
      { message: /same host as node cp-1: the same host key SHA256:a{43} \(one machine/ },
    );
    assert.throws(
      () =>
        pinHostKey({
          db,
          name: "w-1",
          hostKey: { type: "ssh-ed25519", fingerprint: fingerprint("a") },
        }),
      sameHost("cp-1"),
    );
    pinHostKey({
      db,
      name: "w-1",
      hostKey: { type: "ssh-ed25519", fingerprint: fingerprint("b") },
    });
    assert.throws(
      () =>
        createNode({
          db,
          key,
          input: {
            name: "x",
            address: "10.9.9.9",
            role: "worker",
            expectedFingerprint: fingerprint("b"),
          },
        }),
      sameHost("w-1"),
    );
  });

  test("an inventory from before the rule, with two names for one address, can still pin keys", () => {
    const { db } = store();
    db.prepare(
      "INSERT INTO nodes (name, address, port, ssh_user, role, labels, auth_kind, sudo_mode, created_at, updated_at) SELECT 'w-1-copy', address, port, ssh_user, role, labels, auth_kind, sudo_mode, created_at, updated_at FROM nodes WHERE name = 'w-1'",
    ).run();
    const pin = { type: "ssh-ed25519", fingerprint: fingerprint("c") };
    assert.equal(pinHostKey({ db, name: "w-1", hostKey: pin }).fingerprint, fingerprint("c"));
    // but never the same key on both names
    assert.throws(() => pinHostKey({ db, name: "w-1-copy", hostKey: pin }), sameHost("w-1"));
  });

  test("an import listing one host twice saves the first and says why not the second", () => {
    const { db, key } = store();
    const content =
      "name,address,role\nn-1,10.0.0.21,worker\nn-2,10.0.0.21,worker\nn-3,fd00::11,worker\n";
    const outcomes = importNodes({ db, key, rows: parseInventory(content).rows });
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.name, outcome.outcome]),
      [
        ["n-1", "created"],
        ["n-2", "conflict"],
        ["n-3", "conflict"],
      ],
    );
    const messages = outcomes.map((outcome) => ("message" in outcome ? outcome.message : ""));
    assert.match(messages[1] ?? "", /n-2 would be the same host as node n-1/);
    assert.match(messages[2] ?? "", /n-3 would be the same host as node cp-1/);
  });
});

describe("runs lock hosts", () => {
  const host = (node: string, ...marks: string[]) => ({ node, marks });
  const running = (action: RunAction, ...hosts: ReturnType<typeof host>[]) =>
    [["R1", { action, hosts }]] as [string, LockingRun][];
  const a = host("a", "address 10.0.0.1:22", "host key SHA256:k");

  test("a changing run on another name of a held host is refused, naming node, host and run", () => {
    const cases: [ReturnType<typeof host>, string][] = [
      [
        host("a", "address 10.0.0.9:22"),
        "a is being changed by run R1 (apply) (address 10.0.0.1:22)",
      ],
      [
        host("alias", "address 10.0.0.1:22"),
        "alias is being changed by run R1 (apply) as a, the same host (address 10.0.0.1:22)",
      ],
      [
        host("other-address", "address 10.0.0.2:22", "host key SHA256:k"),
        "other-address is being changed by run R1 (apply) as a, the same host (host key SHA256:k)",
      ],
    ];
    for (const [candidate, message] of cases)
      assert.throws(() => checkHostsFree("reset", [candidate], running("apply", a)), {
        name: "RunBusyError",
        message: `${message}: wait for it to finish, or cancel it`,
      });
  });

  test("plans, other hosts and finished runs do not lock", () => {
    const alias = host("alias", "address 10.0.0.1:22");
    checkHostsFree("plan", [alias], running("apply", a));
    checkHostsFree("apply", [alias], running("plan", a));
    checkHostsFree("apply", [host("b", "address 10.0.0.2:22")], running("apply", a));
    checkHostsFree("apply", [alias], []);
  });

  test("one changing run never takes two names of one host", () => {
    assert.throws(() => checkHostsFree("apply", [a, host("alias", "address 10.0.0.1:22")], []), {
      name: "RunInputError",
      message: /^nodes: a and alias are one host \(address 10\.0\.0\.1:22\)/,
    });
    checkHostsFree("plan", [a, host("alias", "address 10.0.0.1:22")], []);
  });
});
