/**
 * An apply on three lab hosts, watched from the browser: each node's lines arrive live, the
 * browser drops its connection mid-run and gets it back without losing or repeating a line, and
 * the run's log, a node's log and the config page's zip download.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { unzipSync } from "fflate";
import type { Browser, BrowserContext, Request } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";
import type { SshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { lookAt } from "./look";
import { BrowserLink, RunsPage, readDownload } from "./runs-page";
import { startStandinFleet } from "./standin-fleet";

const NODES = ["n-1", "n-2", "n-3"];
/** its image pulls hang (dropped packets) until the browser is offline */
const SLOW = "n-3";
const BLOCK = { direction: "out", action: "drop" } as const;

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let context: BrowserContext;
let runs: RunsPage;
let link: BrowserLink;

interface LoggedEvent {
  id: number;
  node: string | null;
  stream: string;
  line: string;
}

async function call(route: string, method = "GET", body?: unknown): Promise<Response> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(
    response.status < 400,
    `${method} ${route}: ${response.status} ${await response.clone().text()}`,
  );
  return response;
}

const parseLog = (text: string): LoggedEvent[] =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LoggedEvent);

/** The run's stored log (GET /api/runs/<id>/log), whole or one node's. */
async function storedLog(id: string, node?: string): Promise<LoggedEvent[]> {
  const query = node === undefined ? "" : `?node=${encodeURIComponent(node)}`;
  return parseLog(await (await call(`/api/runs/${id}/log${query}`)).text());
}

async function runStatus(id: string): Promise<string> {
  return ((await (await call(`/api/runs/${id}`)).json()) as { run: { status: string } }).run.status;
}

const ids = (events: LoggedEvent[]) => events.map((event) => event.id);

function assertNoDuplicates(list: number[], what: string): void {
  const repeated = list.filter((id, index) => list.indexOf(id) !== index);
  assert.deepEqual(repeated, [], `${what}: ids repeated`);
}

before(async () => {
  ({ lab, server } = await startStandinFleet([...NODES]));
  link = await BrowserLink.start(server.url);
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  runs = new RunsPage(page, link.url);
});

after(async () => {
  // in this order, each one even when the one before it failed
  const errors: unknown[] = [];
  for (const stop of [
    () => browser?.close(),
    () => link?.close(),
    () => server?.stop(),
    () => lab?.stop(),
  ]) {
    try {
      await stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, "cleaning up the runs e2e test");
});

let applyId = "";

test("an apply started from a plan streams every node's lines live", async () => {
  await runs.signIn(server.token);
  const options = { concurrency: NODES.length, stageTimeoutSeconds: 600 };
  const planId = await runs.planAll(NODES.length, options);
  await runs
    .status()
    .filter({ hasText: /^succeeded$/ })
    .waitFor();

  // the slow node's pulls hang from now on, so the run is still going while we watch
  await lab.blockPort(SLOW, 5000, BLOCK);
  applyId = await runs.applyPlan(planId, NODES.length);
  assert.notEqual(applyId, planId);
  const { inputs } = (
    (await (await call(`/api/runs/${applyId}`)).json()) as {
      run: { inputs: { concurrency: number; stageTimeoutSeconds: number; fromPlan: string } };
    }
  ).run;
  assert.deepEqual(
    { concurrency: inputs.concurrency, stageTimeoutSeconds: inputs.stageTimeoutSeconds },
    options,
    "the apply keeps the plan's options",
  );
  assert.equal(inputs.fromPlan, planId, "and carries out that plan");
  await runs.page.getByText("Stage timeout").waitFor();
  await runs.waitForConnection("live");
  // from here the page hears of every state change from the stream: it never re-reads the run
  const reads: string[] = [];
  const countReads = (request: Request) => {
    if (new URL(request.url()).pathname === `/api/runs/${applyId}`) reads.push(request.url());
  };
  runs.page.on("request", countReads);
  const done = runs.page.locator('[data-testid^="stage-cell-"][data-state="succeeded"]');
  const doneAtStart = await done.count();

  for (const node of NODES) {
    await runs.showLog(node);
    await runs.line(node).first().waitFor();
    // a node's tab shows only its own lines
    assert.equal(
      await runs.page.locator(`[data-testid=log-line]:not([data-node="${node}"])`).count(),
      0,
    );
  }
  await runs.showLog(null);
  // stages end while the page watches: the stage matrix follows from the stream's state events
  await waitFor("a stage to end in the matrix", async () => (await done.count()) > doneAtStart, {
    timeoutMs: 120_000,
  });
  const shown = await runs.page.getByTestId("stage-matrix").locator("[data-state]").count();
  assert.ok(shown > 0, "the matrix shows stages");
  // lines arrived while the run was still running: they are live, not a replay
  assert.equal(await runStatus(applyId), "running");
  assert.equal((await runs.status().textContent())?.trim(), "running");
  assert.equal(await runs.connection().textContent(), "live");
  runs.page.off("request", countReads);
  assert.deepEqual(reads, [], "no GET /api/runs/{id} while the stream is up");
  await assertAccessible(runs.page, "a live run");
  await lookAt(runs.page, "a live run");
});

test("the browser goes offline mid-run and back: no line lost, none repeated", async () => {
  assert.ok(applyId, "needs the apply of the first test");
  // offline: the open log stream is reset, and so is every new connection
  await context.setOffline(true);
  link.drop();
  const lost = await runs.waitForConnection("reconnecting", "disconnected");
  const before = (await storedLog(applyId)).length;
  const slowBefore = (await storedLog(applyId, SLOW)).length;

  // the slow node goes on while the browser is offline: lines the page has not seen
  await lab.unblockPort(SLOW, 5000, BLOCK);
  await waitFor(
    "the slow node to log more lines while the browser is offline",
    async () => (await storedLog(applyId, SLOW)).length > slowBefore,
    { timeoutMs: 60_000 },
  );

  link.restore();
  await context.setOffline(false);
  if (lost === "disconnected" || (await runs.connection().textContent()) === "disconnected") {
    await runs.page.getByRole("button", { name: "Reconnect" }).click();
  }
  await runs.waitForConnection("finished");
  await waitFor("the run to finish", async () => (await runStatus(applyId)) !== "running", {
    timeoutMs: 120_000,
  });
  await runs
    .status()
    .filter({ hasText: /^(succeeded|failed)$/ })
    .waitFor();

  const stored = ids(await storedLog(applyId));
  assertNoDuplicates(stored, "the stored log");
  assert.ok(stored.length > before, "lines were written while the browser was offline");

  await runs.showLog(null);
  assert.equal(await runs.shownCount(), stored.length, "the page's line count");
  const shown = await runs.renderedIds();
  assertNoDuplicates(shown, "the page");
  assert.deepEqual(shown, stored, "the page shows exactly the stored lines, in order");

  for (const node of NODES) {
    await runs.showLog(node);
    const mine = ids(await storedLog(applyId, node));
    assert.ok(mine.length > 0, `${node} logged lines`);
    assert.deepEqual(await runs.renderedIds(), mine, `${node}'s tab`);
  }
});

test("download the run's log, a node's log, and the config zip", async () => {
  assert.ok(applyId, "needs the apply of the first test");
  const whole = await runs.download(runs.page.getByTestId("download-log"));
  assert.equal(whole.name, `run-${applyId}.jsonl`);
  assert.deepEqual(ids(parseLog(whole.text)), ids(await storedLog(applyId)));

  await runs.showLog(SLOW);
  const mine = await runs.download(runs.page.getByTestId(`download-log-${SLOW}`));
  assert.equal(mine.name, `run-${applyId}-${SLOW}.jsonl`);
  const events = parseLog(mine.text);
  assert.ok(events.length > 0);
  assert.ok(
    events.every((event) => event.node === SLOW),
    "only the node's own lines",
  );
  assert.deepEqual(ids(events), ids(await storedLog(applyId, SLOW)));

  await runs.page.goto(link.url);
  const button = runs.page.getByTestId("download-zip");
  await button.and(runs.page.locator(":enabled")).waitFor();
  const [download] = await Promise.all([runs.page.waitForEvent("download"), button.click()]);
  const zip = unzipSync(await readDownload(download));
  const names = Object.keys(zip);
  assert.ok(names.includes("manifest.json"), names.join("\n"));
  const manifest = JSON.parse(new TextDecoder().decode(zip["manifest.json"])) as {
    nodes: { name: string }[];
  };
  assert.ok(manifest.nodes.length > 0);
  for (const { name } of manifest.nodes) {
    assert.ok(
      names.includes(`${name}/etc/k0s/containerd.d/certs.d/quay.io/hosts.toml`),
      names.join("\n"),
    );
  }
});

test("the run history shows each run with its nodes' outcome, from one request", async () => {
  assert.ok(applyId, "needs the apply of the first test");
  await waitFor("the apply to finish", async () => (await runStatus(applyId)) !== "running", {
    timeoutMs: 60_000,
  });
  const requests: string[] = [];
  runs.page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/runs")) requests.push(request.url());
  });
  await runs.page.goto(`${link.url}/runs`);
  const { run } = (await (await call(`/api/runs/${applyId}`)).json()) as {
    run: { nodes: { state: string }[] };
  };
  const counts = new Map<string, number>();
  for (const { state } of run.nodes) counts.set(state, (counts.get(state) ?? 0) + 1);
  const row = runs.page.getByTestId(`run-row-${applyId}`);
  for (const [state, count] of counts)
    await row.filter({ hasText: new RegExp(`${count}\\s*${state}`) }).waitFor();
  assert.deepEqual(
    requests.map((url) => new URL(url).pathname),
    ["/api/runs"],
    "no request per run",
  );
  await assertAccessible(runs.page, "the run history");
});
