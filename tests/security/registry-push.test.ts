/**
 * Attacks on the push routes of a built console: no token, no push; a push naming a file of the
 * console machine outside CONSOLE_BUNDLES_DIR (a path, a walk out, a symbolic link out, the data
 * folder) gets one fixed answer that says nothing of the machine, and starts no run; an upload
 * is named by its sha256 only.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { NOT_IN_BUNDLES_DIR } from "@/lib/registry/bundles-dir";
import { type RunningConsole, startConsole } from "../lab/console-server";

let server: RunningConsole;
let root: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "push-attacks-"));
  const bundles = join(root, "bundles");
  mkdirSync(bundles);
  writeFileSync(join(root, "outside.tar"), "not a bundle of the folder");
  symlinkSync(join(root, "outside.tar"), join(bundles, "link.tar"));
  symlinkSync("/etc", join(bundles, "etc"));
  process.env.CONSOLE_BUNDLES_DIR = bundles;
  server = await startConsole();
  delete process.env.CONSOLE_BUNDLES_DIR;
});

after(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function call(route: string, init: RequestInit = {}, token: string | null = server.token) {
  const response = await fetch(`${server.url}${route}`, {
    ...init,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  return { status: response.status, text: await response.text() };
}

const runCount = async () =>
  ((JSON.parse((await call("/api/runs")).text) as { runs: unknown[] }).runs ?? []).length;

test("the push routes want the console token", async () => {
  for (const [route, method] of [
    ["/api/registry/push", "POST"],
    ["/api/registry/bundles", "GET"],
    ["/api/registry/bundles", "POST"],
  ] as const) {
    const answer = await call(route, { method, body: method === "POST" ? "{}" : undefined }, null);
    assert.equal(answer.status, 401, `${method} ${route}: ${answer.text}`);
  }
});

test("a push naming anything outside the bundles folder: one fixed answer, no run", async () => {
  const before = await runCount();
  for (const source of [
    "/etc/passwd",
    "../outside.tar",
    "link.tar",
    "etc/passwd",
    "etc",
    `../../..${server.dataDir}/console.sqlite`,
    "nothing-here.tar.gz",
    "a\u0000b",
  ]) {
    const answer = await call("/api/registry/push", {
      method: "POST",
      body: JSON.stringify({ source, dryRun: true }),
    });
    assert.equal(answer.status, 400, `${source}: ${answer.text}`);
    assert.equal((JSON.parse(answer.text) as { error: string }).error, NOT_IN_BUNDLES_DIR, source);
  }
  for (const upload of ["../../console.sqlite", "0".repeat(64)]) {
    const answer = await call("/api/registry/push", {
      method: "POST",
      body: JSON.stringify({ upload, dryRun: true }),
    });
    assert.equal(answer.status, 404, `${upload}: ${answer.text}`);
    assert.doesNotMatch(answer.text, /console\.sqlite|\/tmp\//);
  }
  assert.equal(await runCount(), before);
  const listed = JSON.parse((await call("/api/registry/bundles")).text) as {
    bundles: { name: string }[];
  };
  assert.deepEqual(listed.bundles, [], "links are never listed");
});
