/**
 * The admin kubeconfig of a controller whose sudo password is asked at run time: the run page asks
 * it in a dialog, as a run does, and posts it with that one request (never in a URL); a wrong one
 * is told in the dialog. The API asks for it the same way. The password appears in no log.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";
import type { SshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { stopInOrder } from "./cleanup";
import { consoleApi } from "./console-api";
import { lookAt, SIZES } from "./look";
import { RunsPage } from "./runs-page";
import { startStandinFleet } from "./standin-fleet";

const NODE = "kc-ask";
/** the lab's `deploy` user: sudo asks for this password */
const DEPLOY_PASSWORD = "deploy-pass";
const WRONG_PASSWORD = "not-deploy-pass-71c";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let page: Page;
let applyId = "";
const requested: string[] = [];

const api = consoleApi(() => server);

before(async () => {
  ({ lab, server } = await startStandinFleet([NODE]));
  // the cluster is brought up first (not the subject here), then the node logs in as a user
  // whose sudo password is asked at run time
  ({ id: applyId } = (await api("POST", "/api/runs", { action: "apply", nodes: [NODE] })) as {
    id: string;
  });
  await waitFor(
    "the apply to finish",
    async () =>
      ((await api("GET", `/api/runs/${applyId}`)) as { run: { status: string } }).run.status !==
      "running",
    { timeoutMs: 120_000 },
  );
  await api("PATCH", `/api/nodes/${NODE}`, { user: "deploy", sudo: { mode: "ask" } });
  browser = await launchChromium();
  page = await (await browser.newContext({ acceptDownloads: true, viewport: SIZES[0] })).newPage();
  page.setDefaultTimeout(60_000);
  page.on("request", (request) => requested.push(request.url()));
});

after(() =>
  stopInOrder("the kubeconfig sudo e2e test", [
    () => browser?.close(),
    () => server?.stop(),
    () => lab?.stop(),
  ]),
);

async function kubeconfig(method: "GET" | "POST", body?: unknown): Promise<Response> {
  return fetch(`${server.url}/api/runs/${applyId}/kubeconfig`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

test("the API asks for the sudo password, and reads the kubeconfig with it", async () => {
  const without = await kubeconfig("GET");
  assert.equal(without.status, 409);
  assert.match(
    ((await without.json()) as { error: string }).error,
    /sudo password is asked at run time/,
  );
  const wrong = await kubeconfig("POST", { sudoPassword: WRONG_PASSWORD });
  assert.ok(wrong.status >= 400, `a wrong password is refused (${wrong.status})`);
  const right = await kubeconfig("POST", { node: NODE, sudoPassword: DEPLOY_PASSWORD });
  assert.equal(right.status, 200, await right.clone().text());
  assert.equal(right.headers.get("cache-control"), "no-store");
  assert.match(await right.text(), new RegExp(`server: https://${lab.host(NODE).address}:6443`));
  const badBody = await kubeconfig("POST", { sudoPassword: "line\nbreak" });
  assert.equal(badBody.status, 400);
});

test("the run page asks the password in a dialog, posts it once, downloads the kubeconfig", async () => {
  const runs = new RunsPage(page, server.url);
  await runs.signIn(server.token);
  await page.goto(`${server.url}/runs/${applyId}`);
  await page.getByTestId(`kubeconfig-${NODE}`).click();
  const dialog = page.getByTestId("sudo-dialog");
  const field = dialog.getByLabel(`sudo password for deploy@${NODE}`);
  await field.fill(WRONG_PASSWORD);
  await dialog.getByRole("button", { name: "Download the kubeconfig" }).click();
  await dialog.getByRole("alert").waitFor();
  await assertAccessible(page, "the kubeconfig's sudo dialog with a wrong password");
  await lookAt(page, "kubeconfig-sudo-dialog");

  await field.fill(DEPLOY_PASSWORD);
  const { name, text } = await runs.download(
    dialog.getByRole("button", { name: "Download the kubeconfig" }),
  );
  assert.equal(name, `kubeconfig-${NODE}.yaml`);
  assert.deepEqual(
    text.split("\n").filter((line) => /^\s*server:/.test(line)),
    [`    server: https://${lab.host(NODE).address}:6443`],
  );
  await dialog.waitFor({ state: "detached" });
  // never in a URL, never in the console's log
  assert.ok(
    !requested.some((url) => url.includes(DEPLOY_PASSWORD) || url.includes(WRONG_PASSWORD)),
  );
  // nor in any file of the console's data folder: its log, its database
  for (const file of readdirSync(server.dataDir, { recursive: true, encoding: "utf8" })) {
    const full = path.join(server.dataDir, file);
    if (!statSync(full).isFile()) continue;
    const bytes = readFileSync(full);
    for (const password of [DEPLOY_PASSWORD, WRONG_PASSWORD])
      assert.equal(bytes.indexOf(password), -1, `${password} in ${file}`);
  }
});
