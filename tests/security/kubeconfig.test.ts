/**
 * The admin kubeconfig is a secret (issue 10): only the console token or a live session gets it,
 * it is read from the controller when asked, and it never reaches the console's log, its data
 * folder, a run's log or any other response; its answer is never cached.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { startStandinFleet } from "../e2e/standin-fleet";
import type { RunningConsole } from "../lab/console-server";
import type { SshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

const NODE = "kc-1";

let lab: SshLab;
let server: RunningConsole;
let applyId = "";
let planId = "";

const bearer = () => ({ authorization: `Bearer ${server.token}` });

async function post(route: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${server.url}${route}`, {
    method: "POST",
    headers: { ...bearer(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 202, await response.clone().text());
  return (await response.json()) as { id: string };
}

async function finished(id: string): Promise<string> {
  let status = "running";
  await waitFor(
    `run ${id} to finish`,
    async () => {
      const response = await fetch(`${server.url}/api/runs/${id}`, { headers: bearer() });
      status = ((await response.json()) as { run: { status: string } }).run.status;
      return status !== "running";
    },
    { timeoutMs: 180_000 },
  );
  return status;
}

/** Every file of the console's data folder (its database, WAL, keys, log), as bytes. */
function dataFiles(dir: string): [string, Buffer][] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => [file, readFileSync(file)]);
}

before(async () => {
  ({ lab, server } = await startStandinFleet([NODE]));
  ({ id: planId } = await post("/api/runs", { action: "plan", nodes: "all" }));
  assert.equal(await finished(planId), "succeeded");
  ({ id: applyId } = await post("/api/runs", { action: "apply", nodes: "all" }));
  assert.equal(await finished(applyId), "succeeded");
});

after(async () => {
  await server?.stop();
  await lab?.stop();
});

test("the kubeconfig needs the token or a session, and is never cached", async () => {
  const route = `${server.url}/api/runs/${applyId}/kubeconfig`;
  for (const headers of [
    {},
    { authorization: "Bearer not-the-token" },
    { cookie: "console_session=forged-session-id" },
  ] as Record<string, string>[]) {
    const response = await fetch(route, { headers });
    assert.equal(response.status, 401, JSON.stringify(headers));
    assert.doesNotMatch(await response.text(), /client-key-data|apiVersion/);
  }

  const response = await fetch(route, { headers: bearer() });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "no-store");
  assert.equal(
    response.headers.get("content-disposition"),
    `attachment; filename="kubeconfig-${NODE}.yaml"; filename*=UTF-8''kubeconfig-${NODE}.yaml`,
  );
  const text = await response.text();
  assert.match(text, new RegExp(`^\\s+server: https://${lab.host(NODE).address}:6443$`, "m"));

  const signIn = await fetch(`${server.url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: server.token }),
  });
  const cookie = /console_session=[^;]*/.exec(signIn.headers.get("set-cookie") ?? "")?.[0];
  assert.ok(cookie, "signed in");
  const withSession = await fetch(route, { headers: { cookie } });
  assert.equal(withSession.status, 200, "a session gets it too");
  await withSession.text();
});

test("the POST that carries a sudo password needs the token or a same-origin session", async () => {
  const route = `${server.url}/api/runs/${applyId}/kubeconfig`;
  const body = JSON.stringify({ node: NODE, sudoPassword: "guessed-password" });
  const json = { "content-type": "application/json" };
  const signIn = await fetch(`${server.url}/api/session`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ token: server.token }),
  });
  const cookie = /console_session=[^;]*/.exec(signIn.headers.get("set-cookie") ?? "")?.[0] ?? "";
  for (const [headers, status] of [
    [json, 401],
    [{ ...json, authorization: "Bearer not-the-token" }, 401],
    // another site's page posting with the user's session cookie
    [{ ...json, cookie, origin: "http://evil.example" }, 403],
  ] as [Record<string, string>, number][]) {
    const response = await fetch(route, { method: "POST", headers, body });
    assert.equal(response.status, status, JSON.stringify(headers));
    assert.doesNotMatch(await response.text(), /client-key-data|apiVersion/);
  }
  // a field the route does not know is refused, not ignored
  const extra = await fetch(route, {
    method: "POST",
    headers: { ...bearer(), ...json },
    body: JSON.stringify({ node: NODE, sudoPasswords: { [NODE]: "x" } }),
  });
  assert.equal(extra.status, 400);
  // the node logs in as root: a password given anyway changes nothing
  const posted = await fetch(route, { method: "POST", headers: { ...bearer(), ...json }, body });
  assert.equal(posted.status, 200);
  assert.equal(posted.headers.get("cache-control"), "no-store");
  assert.match(await posted.text(), /^\s+server: https:/m);
});

test("only a run that brought a cluster up has one", async () => {
  for (const [route, status] of [
    [`/api/runs/${planId}/kubeconfig`, 409],
    [`/api/runs/${applyId}/kubeconfig?node=not-a-node`, 409],
    ["/api/runs/no-such-run/kubeconfig", 404],
  ] as const) {
    const response = await fetch(`${server.url}${route}`, { headers: bearer() });
    assert.equal(response.status, status, route);
    assert.equal(response.headers.get("cache-control"), "no-store");
  }
});

test("the kubeconfig's key never reaches the console's log, data folder or run log", async () => {
  const adminConf = lab.host(NODE).readFile("/var/lib/k0s/pki/admin.conf") ?? "";
  const key = /client-key-data: (\S+)/.exec(adminConf)?.[1];
  assert.ok(key && key.length > 40, "the controller has an admin kubeconfig");
  const downloaded = await (
    await fetch(`${server.url}/api/runs/${applyId}/kubeconfig`, { headers: bearer() })
  ).text();
  assert.ok(downloaded.includes(key), "the download is the controller's kubeconfig");

  const leaks: string[] = [];
  for (const [file, bytes] of dataFiles(server.dataDir))
    if (bytes.includes(key)) leaks.push(path.relative(server.dataDir, file));
  for (const route of [
    `/api/runs/${applyId}`,
    `/api/runs/${applyId}/log`,
    `/api/runs/${applyId}/log?format=text`,
    "/api/runs",
  ]) {
    const body = await (await fetch(`${server.url}${route}`, { headers: bearer() })).text();
    if (body.includes(key)) leaks.push(route);
  }
  assert.ok(readFileSync(path.join(server.dataDir, "console.log")).length > 0);
  assert.deepEqual(leaks, [], "the key showed up");
});
