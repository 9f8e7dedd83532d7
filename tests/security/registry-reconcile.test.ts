/**
 * Attacks on the reconcile routes of a built console: no token, no answer; a fix body too large or
 * of the wrong shape is refused whole; a fix can only copy to a path a node requests (a reference
 * the fleet does not pull is answered "not-requested" and nothing is sent to the registry).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_CHECKED } from "@/lib/registry/reconcile-service";
import { consoleUnderTest } from "./console-call";

const { call } = consoleUnderTest();

const fix = (body: unknown, token?: string | null) =>
  call("/api/registry/reconcile/fix", { method: "POST", body: JSON.stringify(body) }, token);

test("both reconcile routes want the console token", async () => {
  assert.equal((await call("/api/registry/reconcile", {}, null)).status, 401);
  assert.equal((await fix({ references: "all" }, null)).status, 401);
});

test("a fix body of the wrong shape or too large is refused, naming no input back", async () => {
  for (const body of [
    {},
    { references: [] },
    { references: "some" },
    { references: [42] },
    { references: ["x".repeat(513)] },
    { references: Array.from({ length: MAX_CHECKED + 1 }, (_, i) => `a/b:${i}`) },
  ]) {
    const answer = await fix(body);
    assert.equal(answer.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${answer.text}`);
    assert.ok(answer.text.length < 4096, "the refusal does not echo the input");
  }
});

test("a reference no node requests is never copied anywhere", async () => {
  // no registry is configured at all: an attempt to reach one would fail the call
  const answer = await fix({ references: ["evil.example/../../v2/x:1", "docker.io/library/x:1"] });
  assert.equal(answer.status, 200, answer.text);
  const { results } = JSON.parse(answer.text) as { results: { outcome: string }[] };
  assert.deepEqual(
    results.map((r) => r.outcome),
    ["not-requested", "not-requested"],
  );
});
