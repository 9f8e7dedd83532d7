import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import {
  type CheckResultInput,
  clearOverride,
  latestCheckResults,
  MAX_EVIDENCE_CHARS,
  saveCheckResults,
  setOverride,
} from "@/lib/inventory/checks-store";
import { openDatabase } from "@/lib/inventory/db";
import { createNode, deleteNode } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function store() {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-checks-"));
  dirs.push(dir);
  const db = openDatabase(dir);
  const key = loadSecretKey(dir);
  for (const name of ["a", "b"])
    createNode({ db, key, input: { name, address: `${name}.example`, role: "worker" } });
  return db;
}
const result = (
  node: string,
  check: string,
  status: "pass" | "warn" | "fail",
  at = "2026-01-01T00:00:00Z",
): CheckResultInput => ({
  node,
  check,
  title: check,
  status,
  reason: `${check} is ${status}`,
  evidence: `$ probe ${check}`,
  at,
});

describe("check results", () => {
  test("the latest result per (node, check) replaces the previous one", () => {
    const db = store();
    saveCheckResults({
      db,
      results: [result("a", "ssh.reachable", "fail"), result("a", "os.release", "pass")],
    });
    saveCheckResults({
      db,
      results: [result("a", "ssh.reachable", "pass", "2026-01-02T00:00:00Z")],
    });
    const latest = latestCheckResults({ db, node: "a" });
    assert.deepEqual(
      latest.map((r) => [r.check, r.status, r.at]),
      [
        ["os.release", "pass", "2026-01-01T00:00:00Z"],
        ["ssh.reachable", "pass", "2026-01-02T00:00:00Z"],
      ],
    );
    assert.equal(latest[0]?.override, null);
  });

  test("all nodes, ordered; or one node only", () => {
    const db = store();
    saveCheckResults({ db, results: [result("b", "x.one", "warn"), result("a", "x.one", "pass")] });
    assert.deepEqual(
      latestCheckResults({ db }).map((r) => r.node),
      ["a", "b"],
    );
    assert.deepEqual(
      latestCheckResults({ db, node: "b" }).map((r) => r.status),
      ["warn"],
    );
    assert.deepEqual(latestCheckResults({ db, node: "nope" }), []);
  });

  test("an unknown node fails the whole batch", () => {
    const db = store();
    assert.throws(
      () =>
        saveCheckResults({
          db,
          results: [result("a", "x.one", "pass"), result("ghost", "x.one", "pass")],
        }),
      {
        code: "not_found",
      },
    );
    assert.deepEqual(latestCheckResults({ db }), []);
  });

  test("long evidence is cut, with a marker", () => {
    const db = store();
    saveCheckResults({
      db,
      results: [{ ...result("a", "x.big", "warn"), evidence: "x".repeat(MAX_EVIDENCE_CHARS + 10) }],
    });
    const evidence = latestCheckResults({ db })[0]?.evidence ?? "";
    assert.ok(evidence.length < MAX_EVIDENCE_CHARS + 100);
    assert.match(evidence, /cut at/);
  });

  test("overrides are attached to results, survive re-runs and can be cleared", () => {
    const db = store();
    saveCheckResults({ db, results: [result("a", "disk.free", "fail")] });
    const override = setOverride({
      db,
      node: "a",
      check: "disk.free",
      reason: "  lab host, small disk  ",
    });
    assert.equal(override.reason, "lab host, small disk");
    saveCheckResults({ db, results: [result("a", "disk.free", "fail", "2026-01-03T00:00:00Z")] });
    assert.deepEqual(latestCheckResults({ db, node: "a" })[0]?.override, override);
    assert.equal(clearOverride({ db, node: "a", check: "disk.free" }), true);
    assert.equal(clearOverride({ db, node: "a", check: "disk.free" }), false);
    assert.equal(latestCheckResults({ db, node: "a" })[0]?.override, null);
  });

  test("an override needs a reason, a valid check id and a known node", () => {
    const db = store();
    assert.throws(() => setOverride({ db, node: "a", check: "disk.free", reason: "  " }), {
      code: "invalid",
    });
    assert.throws(() => setOverride({ db, node: "a", check: "Bad Id", reason: "r" }), {
      code: "invalid",
    });
    assert.throws(() => setOverride({ db, node: "ghost", check: "disk.free", reason: "r" }), {
      code: "not_found",
    });
  });

  test("deleting a node deletes its results and overrides (cascade)", () => {
    const db = store();
    saveCheckResults({ db, results: [result("a", "x.one", "fail"), result("b", "x.one", "pass")] });
    setOverride({ db, node: "a", check: "x.one", reason: "known" });
    deleteNode({ db, name: "a" });
    assert.equal(db.prepare("SELECT COUNT(*) FROM check_results").pluck().get(), 1);
    assert.equal(db.prepare("SELECT COUNT(*) FROM check_overrides").pluck().get(), 0);
    assert.deepEqual(
      latestCheckResults({ db }).map((r) => r.node),
      ["b"],
    );
  });
});
