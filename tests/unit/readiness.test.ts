import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import {
  type AccessChange,
  nodeReadiness,
  type ReadinessInput,
  type ReadinessState,
  refusedNodes,
} from "@/lib/checks/readiness";
import { fleetReadiness } from "@/lib/checks/readiness-service";
import { saveCheckResults, setOverride } from "@/lib/inventory/checks-store";
import { openDatabase } from "@/lib/inventory/db";
import { pinHostKey } from "@/lib/inventory/host-keys";
import { createNode, listNodes, updateNode } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";
import { fleetSettingsChangedAt, putFleetSettings } from "@/lib/inventory/settings";
import type { CheckResult } from "@/lib/inventory/types";

const CHECKED = "2026-05-01T10:00:00.000Z";
const BEFORE = "2026-05-01T09:00:00.000Z";
const LATER = "2026-05-01T11:00:00.000Z";
const FINGERPRINT = `SHA256:${"a".repeat(43)}`;

const check = (
  id: string,
  status: CheckResult["status"],
  override: string | null = null,
): CheckResult => ({
  node: "n",
  check: id,
  title: id,
  status,
  reason: `${id} is ${status}`,
  evidence: "",
  at: CHECKED,
  override: override === null ? null : { reason: override, at: CHECKED },
});

const PASSING = [
  check("ssh.reachable", "pass"),
  check("ssh.auth", "pass"),
  check("os.arch", "pass"),
];

function input(
  overrides: Omit<Partial<ReadinessInput>, "node"> & { node?: Partial<ReadinessInput["node"]> },
): ReadinessInput {
  return {
    results: PASSING,
    accessChange: null,
    settingsChangedAt: BEFORE,
    ...overrides,
    node: {
      name: "n",
      auth: { kind: "key", hasSecret: true, hasPassphrase: false },
      hostKey: { type: "ssh-ed25519", fingerprint: FINGERPRINT, trustedAt: BEFORE },
      bastion: null,
      expectedFingerprint: null,
      ...overrides.node,
    },
  } as ReadinessInput;
}

const change = (at: string, ...what: string[]): AccessChange => ({ at, what });

const CASES: {
  name: string;
  input: ReadinessInput;
  state: ReadinessState;
  overridable: boolean;
  reasons: RegExp[];
}[] = [
  { name: "every check passes", input: input({}), state: "ready", overridable: true, reasons: [] },
  {
    name: "a warning does not block",
    input: input({ results: [...PASSING, check("os.release", "warn")] }),
    state: "ready",
    overridable: true,
    reasons: [],
  },
  {
    name: "a failure",
    input: input({ results: [...PASSING, check("os.init", "fail")] }),
    state: "failing",
    overridable: true,
    reasons: [/^os\.init: os\.init is fail$/],
  },
  {
    name: "a failure overridden by a stored override",
    input: input({ results: [...PASSING, check("os.init", "fail", "supervised")] }),
    state: "ready",
    overridable: true,
    reasons: [],
  },
  {
    name: "a login failure, even with a stored override, cannot be overridden",
    input: input({ results: [check("ssh.reachable", "pass"), check("ssh.auth", "fail", "x")] }),
    state: "failing",
    overridable: false,
    reasons: [/ssh\.auth is fail/],
  },
  {
    name: "a changed host key cannot be overridden",
    input: input({ results: [check("ssh.reachable", "pass"), check("ssh.host-key", "fail")] }),
    state: "failing",
    overridable: false,
    reasons: [/ssh\.host-key is fail/],
  },
  {
    name: "never checked",
    input: input({ results: [] }),
    state: "not-checked",
    overridable: true,
    reasons: [/never checked/],
  },
  {
    name: "never checked and no key stored: the login cannot be overridden",
    input: input({
      results: [],
      node: { auth: { kind: "key", hasSecret: false, hasPassphrase: false } },
    }),
    state: "not-checked",
    overridable: false,
    reasons: [/no private key or password is stored/, /never checked/],
  },
  {
    name: "an agent login needs no stored secret",
    input: input({ node: { auth: { kind: "agent", hasSecret: false, hasPassphrase: false } } }),
    state: "ready",
    overridable: true,
    reasons: [],
  },
  {
    name: "a host key neither trusted nor expected",
    input: input({ results: [], node: { hostKey: null } }),
    state: "not-checked",
    overridable: false,
    reasons: [/host key is not trusted/, /never checked/],
  },
  {
    name: "an expected fingerprint stands in for a trusted key",
    input: input({ results: [], node: { hostKey: null, expectedFingerprint: FINGERPRINT } }),
    state: "not-checked",
    overridable: true,
    reasons: [/never checked/],
  },
  {
    name: "a bastion whose key is not trusted",
    input: input({
      node: {
        bastion: {
          address: "b",
          port: 22,
          user: "root",
          auth: { kind: "agent", hasSecret: false, hasPassphrase: false },
          hostKey: null,
        },
      },
    }),
    state: "failing",
    overridable: false,
    reasons: [/bastion's host key is not trusted/],
  },
  {
    name: "credentials and address changed after the checks",
    input: input({ accessChange: change(LATER, "address", "credentials") }),
    state: "stale",
    overridable: true,
    reasons: [/^its address and credentials changed after its checks ran/],
  },
  {
    name: "a change before the checks does not matter",
    input: input({ accessChange: change(BEFORE, "address") }),
    state: "ready",
    overridable: true,
    reasons: [],
  },
  {
    name: "the fleet settings changed after the checks",
    input: input({ settingsChangedAt: LATER }),
    state: "stale",
    overridable: true,
    reasons: [/fleet settings changed after its checks ran/],
  },
  {
    name: "stale results of a failed login: the new credentials may work",
    input: input({
      results: [check("ssh.reachable", "pass"), check("ssh.auth", "fail")],
      accessChange: change(LATER, "credentials"),
    }),
    state: "stale",
    overridable: true,
    reasons: [/credentials changed/],
  },
  {
    name: "a host key trusted after a failed host-key check",
    input: input({
      results: [check("ssh.reachable", "pass"), check("ssh.host-key", "fail")],
      node: { hostKey: { type: "ssh-ed25519", fingerprint: FINGERPRINT, trustedAt: LATER } },
    }),
    state: "stale",
    overridable: true,
    reasons: [/a host key was trusted after its checks ran/],
  },
];

describe("readiness: a pure function of the node, its latest checks and what changed since", () => {
  for (const { name, input: given, state, overridable, reasons } of CASES) {
    test(name, () => {
      const readiness = nodeReadiness(given);
      assert.equal(readiness.state, state);
      assert.equal(readiness.overridable, overridable);
      assert.equal(readiness.reasons.length, reasons.length, JSON.stringify(readiness.reasons));
      for (const [index, pattern] of reasons.entries())
        assert.match(readiness.reasons[index]?.message ?? "", pattern);
      assert.equal(readiness.checkedAt, given.results.length ? CHECKED : null);
    });
  }
});

describe("the gate: which nodes an apply refuses", () => {
  const ready = nodeReadiness(input({}));
  const failing = { ...nodeReadiness(input({ results: [check("os.init", "fail")] })), node: "f" };
  const blocked = { ...nodeReadiness(input({ results: [check("ssh.auth", "fail")] })), node: "b" };
  const names = (list: { node: string }[]) => list.map((node) => node.node);
  const table: [string, Parameters<typeof refusedNodes>[1], string[]][] = [
    ["no override", undefined, ["f", "b"]],
    ["an override for every node: the login failure stays refused", { reason: "r" }, ["b"]],
    ["an override for another node only", { reason: "r", nodes: ["b"] }, ["f", "b"]],
    ["an override naming the failing node", { reason: "r", nodes: ["f"] }, ["b"]],
  ];
  for (const [name, override, refused] of table)
    test(name, () =>
      assert.deepEqual(names(refusedNodes([ready, failing, blocked], override)), refused),
    );
});

describe("the inventory records what the checks depend on", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  function inventory() {
    const dir = mkdtempSync(path.join(tmpdir(), "readiness-"));
    dirs.push(dir);
    const db = openDatabase(dir);
    const key = loadSecretKey(dir);
    createNode({
      db,
      key,
      input: {
        name: "n",
        address: "10.0.0.1",
        role: "worker",
        auth: { kind: "password", password: "pw" },
        expectedFingerprint: FINGERPRINT,
      },
    });
    const stamp = new Date(Date.now() - 1000).toISOString();
    saveCheckResults({
      db,
      results: ["ssh.reachable", "ssh.auth", "os.init"].map((id) => ({
        ...check(id, id === "os.init" ? "fail" : "pass"),
        at: stamp,
      })),
    });
    return { db, key, state: () => fleetReadiness({ db, nodes: listNodes({ db }) })[0] };
  }

  test("labels change nothing; an address change makes the results stale", () => {
    const { db, key, state } = inventory();
    assert.equal(state()?.state, "failing");
    updateNode({ db, key, name: "n", patch: { labels: { rack: "a" } } });
    assert.equal(state()?.state, "failing");
    updateNode({ db, key, name: "n", patch: { address: "10.0.0.2" } });
    assert.equal(state()?.state, "stale");
    assert.match(state()?.reasons.at(-1)?.message ?? "", /its address changed/);
  });

  test("a new password, a sudo mode or a role makes the results stale", () => {
    for (const patch of [
      { auth: { kind: "password" as const, password: "new" } },
      { sudo: { mode: "passwordless" as const } },
      { role: "controller" as const },
    ]) {
      const { db, key, state } = inventory();
      updateNode({ db, key, name: "n", patch });
      assert.equal(state()?.state, "stale", JSON.stringify(patch));
    }
  });

  test("trusting the host key after the checks makes them stale", () => {
    const { db, state } = inventory();
    pinHostKey({ db, name: "n", hostKey: { type: "ssh-ed25519", fingerprint: FINGERPRINT } });
    assert.equal(state()?.state, "stale");
  });

  test("fleet settings: saving them unchanged keeps their time, a change moves it", () => {
    const { db, state } = inventory();
    const settings = {
      k0sVersion: "1.32.8",
      registries: ["quay.io"],
      mirror: { address: "10.0.0.9:5000", scheme: "http" as const },
    };
    putFleetSettings({ db, settings });
    // saved long before the node's checks
    db.prepare("UPDATE settings SET updated_at = ?").run("2000-01-01T00:00:00.000Z");
    assert.equal(state()?.state, "failing");
    putFleetSettings({ db, settings });
    assert.equal(fleetSettingsChangedAt({ db }), "2000-01-01T00:00:00.000Z");
    assert.equal(state()?.state, "failing");
    putFleetSettings({ db, settings: { ...settings, registries: ["quay.io", "docker.io"] } });
    assert.ok((fleetSettingsChangedAt({ db }) ?? "") > "2000-01-01T00:00:00.000Z");
    assert.equal(state()?.state, "stale");
  });

  test("an override of a login or host-key failure is refused", () => {
    const { db } = inventory();
    for (const id of ["ssh.auth", "ssh.host-key"])
      assert.throws(
        () => setOverride({ db, node: "n", check: id, reason: "trust me" }),
        /cannot be overridden/,
      );
    assert.ok(setOverride({ db, node: "n", check: "os.init", reason: "supervised" }));
  });
});
