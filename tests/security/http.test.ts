/**
 * Attacks on the console's HTTP surface, against the built console: headers, methods, foreign
 * hosts, download names, sessions, the sign-in rate limit, and the token the launcher prints.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { loadConsoleToken } from "@/lib/auth/token-file";
import { parseEnv } from "@/lib/env";
import { startMessage } from "@/lib/launch";
import { launchChromium } from "../e2e/browser";
import { type RunningConsole, startConsole } from "../lab/console-server";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, because fetch will not send TRACE or a Host header of our choosing. */
function raw(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers,
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const dirs: string[] = [];
let server: RunningConsole;
/** a plan run on one node (it fails to connect: only its log and page matter here) */
let runId: string;

before(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "security-http-"));
  dirs.push(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  server = await startConsole({ dataDir });
  runId = await startPlanRun();
});

async function startPlanRun(): Promise<string> {
  const node = {
    name: "n1",
    address: "127.0.0.1",
    port: 1,
    user: "root",
    role: "worker",
    auth: { kind: "agent" },
    sudo: { mode: "none" },
  };
  const headers = { ...bearer(), "content-type": "application/json" };
  const created = await fetch(`${server.url}/api/nodes`, {
    method: "POST",
    headers,
    body: JSON.stringify(node),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const run = await fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ action: "plan", nodes: ["n1"] }),
  });
  assert.equal(run.status, 202, await run.clone().text());
  return (await run.json()).id;
}
after(async () => {
  await server?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const bearer = () => ({ authorization: `Bearer ${server.token}` });
const consoleLog = () => readFileSync(path.join(server.dataDir, "console.log"), "utf8");
const STACK_FRAME = /^\s+at .+[(:]\d+/m;

async function signIn(url: string, token: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ token }),
  });
}

function cookieOf(response: Response): string {
  const value = /console_session=([^;]*)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
  assert.ok(value, "a session cookie is set");
  return value;
}

describe("headers", () => {
  test("a page: a CSP with a fresh nonce on every script, no framing, no sniffing, no referrer off the console", async () => {
    const first = await fetch(`${server.url}/signin`);
    const second = await fetch(`${server.url}/signin`);
    const csp = first.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.match(csp, /script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.notEqual(second.headers.get("content-security-policy"), csp, "one nonce per request");
    assert.equal(first.headers.get("x-content-type-options"), "nosniff");
    assert.equal(first.headers.get("referrer-policy"), "same-origin");
    const scripts = (await first.text()).match(/<script\b[^>]*>/g) ?? [];
    assert.ok(scripts.length > 0);
    for (const script of scripts) assert.ok(script.includes(`nonce="${nonce}"`), script);
  });

  test("every API answer: no-store, nosniff, no referrer off the console, nothing runs or frames", async () => {
    const answers = [
      await fetch(`${server.url}/api/health`),
      await fetch(`${server.url}/api/nodes`, { headers: bearer() }),
      await fetch(`${server.url}/api/nodes`),
      await fetch(`${server.url}/api/nodes/nope`, { headers: bearer() }),
      await fetch(`${server.url}/api/no-such-route`, { headers: bearer() }),
      await fetch(`${server.url}/api/no-such-route`),
      await fetch(`${server.url}/api/nodes`, { method: "POST", headers: bearer(), body: "{" }),
    ];
    assert.deepEqual(
      answers.map((response) => response.status),
      [200, 200, 401, 404, 404, 401, 400],
    );
    for (const response of answers) {
      assert.equal(response.headers.get("cache-control"), "no-store", response.url);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      assert.equal(response.headers.get("referrer-policy"), "same-origin");
      assert.match(response.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    }
    const refused = await answers[2]?.json();
    assert.deepEqual(Object.keys(refused).sort(), ["code", "error"]);
    assert.equal(refused.code, "unauthorized:session");
  });
});

describe("methods", () => {
  for (const method of ["OPTIONS", "TRACE", "PROPFIND"]) {
    test(`${method} is refused on pages and the API, with no stack trace in the log`, async () => {
      for (const route of ["/", "/signin", "/api/nodes", "/api/health", "/api/session"]) {
        const response = await raw(`${server.url}${route}`, method);
        assert.equal(response.status, 405, `${method} ${route}`);
        assert.match(String(response.headers.allow), /GET/);
        assert.equal(response.headers["access-control-allow-origin"], undefined);
        assert.equal(response.headers["access-control-allow-methods"], undefined);
        assert.equal(JSON.parse(response.body).code, "method_not_allowed:http");
      }
      assert.doesNotMatch(consoleLog(), STACK_FRAME);
    });
  }

  test("pages are only read: POST, PUT, DELETE on a page are refused", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const body = method === "DELETE" ? undefined : "x"; // node:http sends no framing for a DELETE body
      const response = await raw(`${server.url}/fleet`, method, bearer(), body);
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.allow, "GET, HEAD");
    }
  });
});

describe("a foreign Host (DNS rebinding) is refused everywhere", () => {
  const foreign = ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example:80"];
  const routes: [string, string, Record<string, string>, string?][] = [
    ["GET", "/", {}],
    ["GET", "/signin", {}],
    ["GET", "/fleet", {}],
    ["POST", "/api/session", { "content-type": "application/json" }, '{"token":"x"}'],
    ["GET", "/api/nodes", {}],
    ["GET", "/api/health", {}],
    ["GET", "/favicon.ico", {}],
  ];
  for (const host of foreign) {
    test(`Host: ${host}`, async () => {
      for (const [method, route, headers, body] of routes) {
        const response = await raw(
          `${server.url}${route}`,
          method,
          { ...headers, ...bearer(), host },
          body,
        );
        assert.equal(response.status, 403, `${method} ${route}`);
        assert.equal(JSON.parse(response.body).code, "forbidden:host");
      }
    });
  }

  test("the console's own loopback names still work", async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      assert.equal((await raw(`${server.url}/signin`, "GET", { host })).status, 200, host);
    }
  });
});

describe("download names", () => {
  test("a node name with quotes, CR/LF and unicode cannot break the header", async () => {
    const node = 'x"; filename="evil.sh\r\nSet-Cookie: console_session=planted; ü ✓';
    const response = await fetch(
      `${server.url}/api/runs/${runId}/log?node=${encodeURIComponent(node)}`,
      { headers: bearer() },
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("set-cookie"), null);
    const disposition = response.headers.get("content-disposition") ?? "";
    const ascii = /; filename="([^"]*)";/.exec(disposition)?.[1];
    assert.ok(ascii, disposition);
    assert.match(ascii, /^[A-Za-z0-9._+-]+$/);
    const exact = /filename\*=UTF-8''(\S+)$/.exec(disposition)?.[1] ?? "";
    assert.equal(decodeURIComponent(exact), `run-${runId}-${node}.jsonl`);
    assert.equal(disposition.match(/filename=/g)?.length, 1, "one plain filename= only");
  });
});

describe("malformed input", () => {
  test("a YAML alias bomb in an import is a 400 naming it, not a 500", async () => {
    const levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"];
    for (const [from, to] of ["ab", "bc", "cd", "de"]) {
      levels.push(`${to}: &${to} [${Array(9).fill(`*${from}`).join(", ")}]`);
    }
    const content = [
      "apiVersion: k0sctl.k0sproject.io/v1beta1",
      "kind: Cluster",
      "spec:",
      "  hosts:",
      "  - role: worker",
      "    ssh: {address: 10.0.0.1, user: root}",
      ...levels.map((line) => `    ${line}`),
    ].join("\n");
    const response = await fetch(`${server.url}/api/nodes/import`, {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({ content }),
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.code, "bad_request:inventory");
    assert.match(body.error, /alias/);
  });
});

describe("every page loads under the CSP with no console error", () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning")
        problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
  });
  after(async () => {
    await browser?.close();
  });

  async function visit(route: string, ready: () => Promise<unknown>) {
    const response = await page.goto(`${server.url}${route}`);
    assert.match(response?.headers()["content-security-policy"] ?? "", /'strict-dynamic'/);
    await ready();
    // hydrated: React attached its handlers, so every script ran
    await page.waitForFunction(() =>
      Object.keys(document.querySelector("button") ?? {}).some((key) => key.startsWith("__react")),
    );
  }

  test("/signin, /, /fleet, /runs, /runs/<id>, then sign out", async () => {
    await visit("/signin", () => page.getByLabel("Console token").waitFor());
    await page.getByLabel("Console token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/`);
    await visit("/", () => page.getByRole("link", { name: "Config" }).waitFor());
    await visit("/fleet", () => page.getByText("n1", { exact: true }).first().waitFor());
    await visit("/runs", () => page.getByRole("link", { name: "Runs" }).waitFor());
    await visit(`/runs/${runId}`, () => page.getByText(runId).first().waitFor());
    assert.deepEqual(problems, []);
    // signing out ends the session while the page may still be polling: 401s are expected now
    await page.goto(`${server.url}/fleet`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${server.url}/signin`);
    await page.goto(`${server.url}/fleet`);
    await page.waitForURL(`${server.url}/signin`);
  });
});

describe("sessions", () => {
  const db = () => new BetterSqlite3(path.join(server.dataDir, "console.sqlite"));

  test("sign-in sets a random HttpOnly, SameSite=Strict cookie; only its hash is stored", async () => {
    const response = await signIn(server.url, server.token);
    assert.equal(response.status, 204);
    const header = response.headers.get("set-cookie") ?? "";
    assert.match(header, /; Path=\//);
    assert.match(header, /; HttpOnly/);
    assert.match(header, /; SameSite=Strict/);
    assert.doesNotMatch(header, /Secure/, "plain http on loopback");
    const cookie = cookieOf(response);
    assert.equal(Buffer.from(cookie, "base64url").length, 32);
    assert.notEqual(cookieOf(await signIn(server.url, server.token)), cookie);
    const handle = db();
    const rows = JSON.stringify(handle.prepare("SELECT * FROM sessions").all());
    handle.close();
    assert.ok(!rows.includes(cookie) && !rows.includes(server.token));
  });

  test("the cookie is Secure when the console is served over https", async () => {
    const response = await signIn(server.url, server.token, { "x-forwarded-proto": "https" });
    assert.match(response.headers.get("set-cookie") ?? "", /; Secure/);
  });

  test("the cookie works; after sign-out the same cookie is refused", async () => {
    const cookie = `console_session=${cookieOf(await signIn(server.url, server.token))}`;
    assert.equal((await fetch(`${server.url}/api/nodes`, { headers: { cookie } })).status, 200);
    const page = await fetch(`${server.url}/fleet`, { headers: { cookie }, redirect: "manual" });
    assert.equal(page.status, 200);
    const signin = await fetch(`${server.url}/signin`, { headers: { cookie }, redirect: "manual" });
    assert.equal(signin.status, 307, "a signed-in browser skips the sign-in page");
    const out = await fetch(`${server.url}/api/session`, { method: "DELETE", headers: { cookie } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get("set-cookie") ?? "", /console_session=; .*Max-Age=0/);
    assert.equal((await fetch(`${server.url}/api/nodes`, { headers: { cookie } })).status, 401);
    const later = await fetch(`${server.url}/fleet`, { headers: { cookie }, redirect: "manual" });
    assert.equal(later.status, 307);
    assert.match(later.headers.get("location") ?? "", /\/signin$/);
  });

  test("a session idle for 12 h, or older than 7 days, is refused", async () => {
    const idle = `console_session=${cookieOf(await signIn(server.url, server.token))}`;
    const old = `console_session=${cookieOf(await signIn(server.url, server.token))}`;
    const hour = 3600 * 1000;
    const handle = db();
    handle.prepare("UPDATE sessions SET last_seen_at = last_seen_at - ?").run(13 * hour);
    handle.close();
    assert.equal(
      (await fetch(`${server.url}/api/nodes`, { headers: { cookie: idle } })).status,
      401,
    );
    const fresh = `console_session=${cookieOf(await signIn(server.url, server.token))}`;
    const again = db();
    again.prepare("UPDATE sessions SET created_at = created_at - ?").run(8 * 24 * hour);
    again.close();
    assert.equal(
      (await fetch(`${server.url}/api/nodes`, { headers: { cookie: fresh } })).status,
      401,
    );
    assert.equal(
      (await fetch(`${server.url}/api/nodes`, { headers: { cookie: old } })).status,
      401,
    );
  });

  test("the old constant cookie (an HMAC of the token) opens nothing", async () => {
    const constant = createHmac("sha256", server.token)
      .update("k0rdent-airgap-console session v1")
      .digest("base64url");
    const cookie = `console_session=${constant}`;
    assert.equal((await fetch(`${server.url}/api/nodes`, { headers: { cookie } })).status, 401);
  });
});

describe("the data folder", () => {
  test("an existing 0755 data folder is tightened to 0700", () => {
    assert.equal(statSync(server.dataDir).mode & 0o777, 0o700);
  });
});

describe("sign-in rate limit", () => {
  let limited: RunningConsole;
  before(async () => {
    limited = await startConsole();
  });
  after(async () => {
    await limited?.stop();
  });

  test("5 wrong tokens are answered; then 429 with a Retry-After that grows", async () => {
    for (let i = 0; i < 5; i++) {
      const response = await signIn(limited.url, `wrong-token-${i}`);
      assert.equal(response.status, 401, `attempt ${i + 1}`);
      assert.match((await response.json()).error, /not the console token/);
    }
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await signIn(limited.url, `wrong-token-${5 + i}`, {
        "x-forwarded-for": `10.9.8.${i}`, // a client's own forwarding header changes nothing
      });
      assert.equal(response.status, 429, `attempt ${6 + i}`);
      const body = await response.json();
      assert.equal(body.code, "rate_limited:sign_in");
      waits.push(Number(response.headers.get("retry-after")));
    }
    assert.ok(
      waits.every((wait, i) => i === 0 || wait > (waits[i - 1] ?? 0)),
      `growing: ${waits.join(", ")}`,
    );
    const right = await signIn(limited.url, limited.token);
    assert.equal(right.status, 429, "no guess is checked while blocked, not even the right one");
    const form = await fetch(`${limited.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: limited.token }),
      redirect: "manual",
    });
    assert.equal(form.status, 303, "the sign-in page's native form post is limited the same way");
    assert.equal(form.headers.get("location"), "/signin?failed=rate_limited");
    assert.equal(form.headers.get("set-cookie"), null);
    const script = await fetch(`${limited.url}/api/nodes`, {
      headers: { authorization: `Bearer ${limited.token}` },
    });
    assert.equal(script.status, 200, "scripts with the token are not locked out");
  });

  test("100 wrong Bearer tokens are answered; then 429, even for the right one", async () => {
    const bearer = (token: string) =>
      fetch(`${limited.url}/api/nodes`, { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 100; i++) {
      const response = await bearer(`wrong-bearer-${i}`);
      assert.equal(response.status, 401, `attempt ${i + 1}`);
      await response.arrayBuffer();
    }
    const blocked = await bearer("wrong-bearer-100");
    assert.equal(blocked.status, 429);
    assert.equal((await blocked.json()).code, "rate_limited:bearer");
    assert.ok(Number(blocked.headers.get("retry-after")) >= 1);
    const right = await bearer(limited.token);
    assert.equal(right.status, 429, "no guess is checked while blocked, not even the right one");
  });
});

describe("the launcher prints the token only on the start that generated it", () => {
  test("generated, then read from the file, then from the environment", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "launch-"));
    dirs.push(dir);
    const dataDir = path.join(dir, "data");
    mkdirSync(dataDir, { mode: 0o755 });
    const env = parseEnv({ CONSOLE_DATA_DIR: dataDir });

    const first = loadConsoleToken(env);
    assert.equal(first.origin, "generated");
    assert.equal(statSync(dataDir).mode & 0o777, 0o700, "the folder is tightened");
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    const shown = startMessage("127.0.0.1", 3000, first);
    assert.ok(shown.includes(first.token));
    assert.ok(shown.includes("http://127.0.0.1:3000"));

    const second = loadConsoleToken(env);
    assert.equal(second.origin, "file");
    assert.equal(second.token, first.token);
    const later = startMessage("127.0.0.1", 3000, second);
    assert.ok(!later.includes(first.token), later);
    assert.ok(later.includes(first.file));

    const given = "a-token-from-the-environment-42";
    const fromEnv = loadConsoleToken(parseEnv({ CONSOLE_DATA_DIR: dataDir, CONSOLE_TOKEN: given }));
    const message = startMessage("::1", 3000, fromEnv);
    assert.ok(!message.includes(given), message);
    assert.match(message, /CONSOLE_TOKEN/);
    assert.match(message, /http:\/\/\[::1\]:3000/);
  });
});
