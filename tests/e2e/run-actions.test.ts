/**
 * Every run action from the browser, on a controller and a worker running the k0s stand-in: the
 * Runs page plans first, an apply asks for confirmation with what it changes, the run page says
 * the cluster is up and hands out its admin kubeconfig, the log is searched across all its lines,
 * and an apply is rolled back and the nodes reset from dialogs that show what they will do —
 * refused in the dialog, as by the API, while another run changes a host.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";
import { STANDIN_PATHS } from "../lab/k0s-standin/state";
import type { SshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { stopInOrder } from "./cleanup";
import { lookAt } from "./look";
import { RunsPage } from "./runs-page";
import { startStandinFleet } from "./standin-fleet";

const CP = "cp";
const WORKER = "wk";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let runs: RunsPage;
let page: Page;

interface Outcome {
  path: string;
  status: "created" | "updated" | "unchanged";
}
interface RunJson {
  id: string;
  action: string;
  status: string;
  nodes: { node: string; state: string; result: { files?: Outcome[] } | null }[];
}

async function call(route: string, method = "GET", body?: unknown): Promise<Response> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.status < 400, `${method} ${route}: ${response.status}`);
  return response;
}

const getRun = async (id: string) =>
  ((await (await call(`/api/runs/${id}`)).json()) as { run: RunJson }).run;

async function finished(id: string): Promise<RunJson> {
  await waitFor("the run to finish", async () => (await getRun(id)).status !== "running", {
    timeoutMs: 180_000,
  });
  return getRun(id);
}

/** Whether a path exists on a test host (asked over SSH: the overlay's upper dir keeps whiteouts). */
async function exists(host: string, file: string): Promise<boolean> {
  const result = await lab.sshExec(host, `test -e '${file}' && echo yes || echo no`);
  return result.stdout.trim() === "yes";
}

const checkLayout = (where: string) => lookAt(page, where);

before(async () => {
  // the roles are given before the checks run: a later change would make their results stale
  ({ lab, server } = await startStandinFleet([CP, WORKER], {
    [CP]: "controller",
    [WORKER]: "worker",
  }));
  browser = await launchChromium();
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1440, height: 900 },
  });
  page = await context.newPage();
  page.setDefaultTimeout(60_000);
  runs = new RunsPage(page, server.url);
  await runs.signIn(server.token);
});

after(() =>
  stopInOrder("the run actions e2e test", [
    () => browser?.close(),
    () => server?.stop(),
    () => lab?.stop(),
  ]),
);

let applyId = "";

test("the Runs page plans first; an apply asks for confirmation with what will change", async () => {
  await page.goto(`${server.url}/runs`);
  await page.getByTestId("plan-form").waitFor();
  assert.equal(await page.getByTestId("open-rollback").isDisabled(), true, "no apply yet");
  await assertAccessible(page, "the Runs page");
  await checkLayout("runs page");

  const planId = await runs.planAll(2);
  await runs.waitForStatus(/^succeeded$/);
  const plan = await getRun(planId);
  const changes = plan.nodes.flatMap((node) =>
    ((node.result as { files?: { change: string }[] } | null)?.files ?? []).filter(
      (file) => file.change !== "unchanged",
    ),
  );
  assert.ok(changes.length > 0, "fresh nodes: the plan creates files");

  const dialog = await runs.openApplyDialog(2);
  const summary = (await dialog.getByTestId("apply-summary").textContent()) ?? "";
  assert.match(summary, new RegExp(`^${changes.length} files change on 2 nodes of 2:`));
  assert.match(
    summary,
    new RegExp(`${changes.filter((f) => f.change === "create").length} created`),
  );
  await assertAccessible(page, "the apply confirmation");
  await checkLayout("apply confirmation");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  const before = ((await (await call("/api/runs")).json()) as { runs: unknown[] }).runs.length;
  assert.equal(before, 1, "cancelled: nothing started");

  applyId = await runs.applyPlan(planId, 2);
  const apply = await finished(applyId);
  assert.equal(apply.status, "succeeded", JSON.stringify(apply.nodes.map((n) => n.state)));
});

test("the cluster is up: the run page offers the admin kubeconfig, pointing at the controller", async () => {
  assert.ok(applyId, "needs the apply of the first test");
  await page.goto(`${server.url}/runs/${applyId}`);
  const panel = page.getByTestId("cluster-up");
  await panel.getByText("The cluster is up").waitFor();
  const address = lab.host(CP).address;
  await panel.getByText(`https://${address}:6443`).waitFor();
  await assertAccessible(page, "a finished apply whose cluster is up");
  await checkLayout("cluster up");

  const { name, text } = await runs.download(page.getByTestId(`kubeconfig-${CP}`));
  assert.equal(name, `kubeconfig-${CP}.yaml`);
  const servers = text.split("\n").filter((line) => /^\s*server:/.test(line));
  assert.deepEqual(servers, [`    server: https://${address}:6443`]);
  // it is the controller's own admin.conf (its key), with only the server changed
  const adminConf = lab.host(CP).readFile("/var/lib/k0s/pki/admin.conf") ?? "";
  const key = /client-key-data: (\S+)/.exec(adminConf)?.[1];
  assert.ok(key, "the stand-in wrote admin.conf on the controller");
  assert.ok(text.includes(`client-key-data: ${key}`));
  assert.match(adminConf, /server: https:\/\/localhost:6443/);
  assert.equal(
    (await getRun(applyId)).nodes.length,
    2,
    "the worker's kubeconfig is the cluster's: one link",
  );
  assert.equal(await page.locator("[data-testid^=kubeconfig-]").count(), 1);
});

test("the log is searched across all its lines: text, node, stderr only; downloads as text", async () => {
  assert.ok(applyId, "needs the apply of the first test");
  await page.goto(`${server.url}/runs/${applyId}`);
  await runs.waitForConnection("finished");
  const first = "apply on 2 nodes";
  const search = page.getByTestId("log-search");
  await search.fill(first.toUpperCase());
  const matches = page.getByTestId("log-matches");
  await matches.filter({ hasText: /^1 matching line$/ }).waitFor();
  await page
    .locator("[data-testid=log-view][data-search=on] [data-testid=log-line]")
    .filter({ hasText: first })
    .waitFor();

  // a node's tab searches its lines only; the count is the console's, over every stored line
  await search.fill("k0s");
  await runs.showLog(WORKER);
  const stored = (await (await call(`/api/runs/${applyId}/log?node=${WORKER}&q=k0s`)).text())
    .split("\n")
    .filter(Boolean);
  assert.ok(stored.length > 0);
  await matches.filter({ hasText: new RegExp(`^${stored.length} matching lines?$`) }).waitFor();
  const shown = page.locator("[data-testid=log-view][data-search=on] [data-testid=log-line]");
  await shown.first().waitFor();
  assert.equal(
    await page
      .locator(`[data-testid=log-view] [data-testid=log-line]:not([data-node="${WORKER}"])`)
      .count(),
    0,
  );
  await assertAccessible(page, "a log search");
  await checkLayout("log search");

  const text = await runs.download(page.getByTestId(`download-text-${WORKER}`));
  assert.equal(text.name, `run-${applyId}-${WORKER}-matches.log`);
  const lines = text.text.split("\n").filter(Boolean);
  const events = stored.map((line) => JSON.parse(line) as { line: string });
  assert.ok(events.every((event) => /k0s/i.test(event.line)));
  assert.equal(lines.length, events.flatMap((event) => event.line.split("\n")).length);
  for (const line of lines) assert.match(line, new RegExp(`^\\S+ ${WORKER} \\w+ `));

  // stderr only, whatever the text
  await search.fill("");
  await page.getByTestId("log-stderr-only").check();
  const stderr = (
    await (await call(`/api/runs/${applyId}/log?node=${WORKER}&stream=stderr`)).text()
  )
    .split("\n")
    .filter(Boolean);
  await matches.filter({ hasText: new RegExp(`^${stderr.length} matching lines?$`) }).waitFor();
  assert.equal(
    await page
      .locator("[data-testid=log-view] [data-testid=log-line]:not([data-stream=stderr])")
      .count(),
    0,
  );
  await page.getByTestId("log-stderr-only").uncheck();
  await page.locator("[data-testid=log-view]:not([data-search])").waitFor();
});

test("roll back the apply from the Runs page: the dialog shows what comes back and what goes", async () => {
  assert.ok(applyId, "needs the apply of the first test");
  const apply = await getRun(applyId);
  await page.goto(`${server.url}/runs`);
  await page.getByTestId("open-rollback").click();
  const dialog = page.getByTestId("rollback-dialog");
  const created: [string, string][] = [];
  for (const node of apply.nodes) {
    const item = dialog.getByTestId(`rollback-node-${node.node}`);
    for (const outcome of node.result?.files ?? []) {
      if (outcome.status === "unchanged") continue;
      const verb = outcome.status === "created" ? "remove" : "restore";
      await item.getByText(`${verb} ${outcome.path}`, { exact: true }).waitFor();
      if (outcome.status === "created") created.push([node.node, outcome.path]);
    }
  }
  assert.ok(created.length > 0, "the apply created files");
  await assertAccessible(page, "the rollback dialog");
  await checkLayout("rollback dialog");

  await dialog.getByRole("button", { name: "Roll back 2 nodes" }).click();
  const rollbackId = await runs.runId();
  const rollback = await finished(rollbackId);
  assert.equal(rollback.action, "rollback");
  assert.equal(rollback.status, "succeeded");
  for (const [node, file] of created)
    assert.equal(await exists(node, file), false, `${file} removed from ${node}`);
});

test("reset from the UI: the dialog names the nodes and needs their number typed", async () => {
  await page.goto(`${server.url}/runs`);
  await page.getByTestId("open-reset").click();
  const dialog = page.getByTestId("reset-dialog");
  const nodes = dialog.getByTestId("reset-nodes");
  for (const name of [CP, WORKER]) await nodes.getByText(name, { exact: true }).waitFor();
  const submit = dialog.getByRole("button", { name: "Reset 2 nodes" });
  await submit.click();
  await dialog.getByRole("alert").filter({ hasText: "Type 2" }).waitFor();
  await dialog.getByLabel("Type 2 to reset these 2 nodes").fill("3");
  await submit.click();
  await dialog.getByRole("alert").filter({ hasText: "Type 2" }).waitFor();
  assert.equal(
    ((await (await call("/api/runs")).json()) as { runs: { action: string }[] }).runs.filter(
      (run) => run.action === "reset",
    ).length,
    0,
    "nothing was reset",
  );
  await assertAccessible(page, "the reset dialog");
  await checkLayout("reset dialog");

  await dialog.getByLabel("Type 2 to reset these 2 nodes").fill("2");
  await submit.click();
  const resetId = await runs.runId();
  const reset = await finished(resetId);
  assert.equal(reset.action, "reset");
  assert.equal(reset.status, "succeeded");
  for (const node of [CP, WORKER]) {
    assert.equal(await exists(node, "/var/lib/k0s"), false, `k0s reset on ${node}`);
    assert.equal(
      await exists(node, "/etc/k0s/containerd.d"),
      false,
      `console files gone on ${node}`,
    );
  }

  // the apply's page still tells its end state, and that the reset took it down since: no
  // kubeconfig offered that can only fail
  await page.goto(`${server.url}/runs/${applyId}`);
  await page
    .getByTestId(`cluster-reset-${CP}`)
    .getByText(`reset ${CP} since: k0s and its admin kubeconfig are gone there`)
    .waitFor();
  await page.getByTestId(`cluster-reset-${CP}`).getByRole("link", { name: resetId }).waitFor();
  assert.equal(await page.getByTestId(`kubeconfig-${CP}`).count(), 0);
  await page
    .getByTestId("cluster-up")
    .getByText(/^This apply brought the cluster up; reset since$/)
    .waitFor();
});

test("a reset of a host another run is changing is refused in the dialog, as by the API", async () => {
  // the controller's k0s start waits while the stand-in's hold file exists: the apply holds it
  await lab.sshExec(CP, `touch ${STANDIN_PATHS.holdStart}`);
  const { id: busyId } = (await (
    await call("/api/runs", "POST", { action: "apply", nodes: [CP, WORKER] })
  ).json()) as { id: string };
  try {
    await page.goto(`${server.url}/runs`);
    await page.getByTestId("open-reset").click();
    const dialog = page.getByTestId("reset-dialog");
    await dialog.getByLabel("Type 2 to reset these 2 nodes").fill("2");
    await dialog.getByRole("button", { name: "Reset 2 nodes" }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: `${CP} is being changed by run ${busyId} (apply)` })
      .waitFor();
    assert.match(new URL(page.url()).pathname, /^\/runs$/, "no reset run was opened");
  } finally {
    await lab.sshExec(CP, `rm -f ${STANDIN_PATHS.holdStart}`);
  }
  assert.equal((await finished(busyId)).status, "succeeded");
});
