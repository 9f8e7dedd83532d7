/**
 * Attacks on the registry routes of a built console: no token, no answer; names that would walk
 * the registry's URL space or the node list are refused before anything is sent; a page asked
 * for a million names gets at most 200; settings too large or of the wrong shape are refused whole.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_PAGE, pageSize } from "@/lib/registry/browse";
import { consoleUnderTest } from "./console-call";

const { call } = consoleUnderTest();

test("every registry route wants the console token", async () => {
  for (const [route, method] of [
    ["/api/registry/settings", "GET"],
    ["/api/registry/settings", "PUT"],
    ["/api/registry/test", "POST"],
    ["/api/registry/repositories", "GET"],
    ["/api/registry/tags?repository=a", "GET"],
    ["/api/registry/manifest?reference=a:1", "GET"],
  ] as const) {
    const answer = await call(route, { method, body: method === "PUT" ? "{}" : undefined }, null);
    assert.equal(answer.status, 401, `${method} ${route}: ${answer.text}`);
  }
});

test("hostile repository and reference names are refused before any registry request", async () => {
  for (const route of [
    "/api/registry/tags?repository=../../v2/_catalog",
    "/api/registry/tags?repository=a%2F..%2F..%2Fb",
    "/api/registry/tags",
    "/api/registry/manifest?reference=a/b:..%2F..%2Fx",
    "/api/registry/manifest?reference=a/b@sha256:..%2F..",
    "/api/registry/manifest?reference=http://evil.example/a:1",
  ]) {
    const answer = await call(route);
    assert.equal(answer.status, 400, `${route}: ${answer.text}`);
  }
});

test("settings naming an unknown node, a URL, or too large are refused, and nothing is stored", async () => {
  const before = await call("/api/registry/settings");
  const refused: unknown[] = [
    { via: "not-a-node" },
    { address: "https://registry.example:5000" },
    { address: "r:5000", credentials: { kind: "token", token: "x".repeat(9000) } },
    { address: "r:5000", caPem: "x".repeat(600 * 1024) },
    { address: "r:5000", extra: true },
    [],
  ];
  for (const body of refused) {
    const answer = await call("/api/registry/settings", {
      method: "PUT",
      body: JSON.stringify(body),
    });
    assert.equal(answer.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${answer.text}`);
    assert.ok(answer.text.length < 4096, "the refusal does not echo the input");
  }
  assert.equal((await call("/api/registry/settings")).text, before.text);
});

test("a page is at most 200 names, whatever is asked", () => {
  assert.equal(MAX_PAGE, 200);
  for (const [asked, got] of [
    ["1000000", 200],
    ["50", 50],
    ["-3", 100],
    ["1e9", 200],
    ["abc", 100],
    [null, 100],
  ] as const) {
    assert.equal(pageSize(asked), got, String(asked));
  }
});
