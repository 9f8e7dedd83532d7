/**
 * The checks gate in the browser: each node's readiness on the Fleet page and in the Runs page's
 * node chooser (a badge and its reasons); the plan predicting the refusal; an apply from the plan
 * refused for a node whose check fails, its reasons shown per node, then let through by an override with a reason, which the
 * apply's page shows.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";
import type { SshLab } from "../lab/ssh-hosts";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { FleetPage } from "./fleet-page";
import { lookAt, SIZES } from "./look";
import { RunsPage } from "./runs-page";
import { startStandinFleet } from "./standin-fleet";

const READY = "g-ready";
const FAILING = "g-failing";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let page: Page;

async function call(route: string, method = "GET", body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${route}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

const look = (where: string) => lookAt(page, where);

before(async () => {
  ({ lab, server } = await startStandinFleet([READY, FAILING]));
  // the stand-in fleet is checked and its test-host failures overridden: take one back
  await call("/api/checks/overrides", "POST", { node: FAILING, check: "os.init", reason: null });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: SIZES[0] })).newPage();
  page.setDefaultTimeout(60_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await lab?.stop();
});

test("the fleet table shows each node's readiness with its reasons", async () => {
  const fleet = new FleetPage(page, server.url);
  await fleet.signIn(server.token);
  const ready = fleet.row(READY).getByTestId(`readiness-${READY}`);
  await ready.waitFor();
  assert.equal(await ready.getAttribute("data-state"), "ready");
  const failing = fleet.row(FAILING).getByTestId(`readiness-${FAILING}`);
  assert.equal(await failing.getAttribute("data-state"), "failing");
  await failing.click();
  await fleet
    .row(FAILING)
    .getByText(/Init system: neither systemd nor OpenRC/)
    .waitFor();
  // the readiness filter counts each state and shows only the nodes in it
  await page.getByRole("button", { name: "Readiness: failing (1)" }).click();
  await fleet.row(READY).waitFor({ state: "detached" });
  await fleet.row(FAILING).waitFor();
  await page.getByRole("button", { name: "Readiness: ready (1)" }).waitFor();
  await page.getByRole("button", { name: "Readiness: All (2)" }).click();
  await fleet.row(READY).waitFor();
  await assertAccessible(page, "the fleet page with readiness");
  await look("fleet-readiness");

  // a login or host-key failure offers no override; an ordinary failure does
  const init = await fleet.check(FAILING, "os.init");
  assert.equal(await init.getByRole("button", { name: "Override…" }).count(), 1);
});

test("the runs page's node chooser shows readiness; an apply is refused, then overridden", async () => {
  const runs = new RunsPage(page, server.url);
  await page.goto(`${server.url}/runs`);
  const form = page.getByTestId("plan-form");
  await form
    .getByTestId("readiness-counts")
    .getByText(/1 ready, 1 failing/)
    .waitFor();
  await form.getByLabel("Only the nodes I choose").check();
  await form.getByTestId(`readiness-${FAILING}`).click();
  await form.getByText(/Init system: neither systemd nor OpenRC/).waitFor();
  await assertAccessible(page, "the runs page's node chooser");
  await look("runs-chooser");

  const planId = await runs.planAll(2);
  await runs
    .status()
    .filter({ hasText: /^succeeded$/ })
    .waitFor();
  // the plan already says what the apply will refuse, and what it does with k0s
  const prediction = page.getByTestId(`plan-prediction-${FAILING}`);
  await prediction.getByText(`The apply will refuse ${FAILING}: failing`).waitFor();
  await prediction.getByText(/Init system: neither systemd nor OpenRC/).waitFor();
  await page.getByTestId(`plan-prediction-${READY}`).getByText("k0s is installed").waitFor();
  assert.equal(
    await page
      .getByTestId(`plan-prediction-${READY}`)
      .getByText(/will refuse/)
      .count(),
    0,
  );
  await assertAccessible(page, "the plan's predictions");
  await prediction.scrollIntoViewIfNeeded();
  await look("plan-prediction");

  await page.getByTestId("apply-plan").click();
  await page
    .getByTestId("apply-dialog")
    .getByRole("button", { name: /^Apply to \d+ nodes?$/ })
    .click();
  const dialog = page.getByTestId("readiness-refusal");
  await dialog.waitFor();
  await dialog
    .getByTestId(`refused-${FAILING}`)
    .getByText(/Init system/)
    .waitFor();
  assert.equal(await dialog.getByTestId(`refused-${READY}`).count(), 0);
  await assertAccessible(page, "the refused apply");
  await look("apply-refused");
  assert.match(page.url(), new RegExp(`/runs/${planId}$`), "the refused apply started nothing");

  await dialog.getByRole("button", { name: "Override and apply" }).click();
  await dialog.getByText("Say why these nodes may be changed").waitFor();
  await dialog
    .getByLabel("Why may these nodes be changed anyway?")
    .fill("k0s runs under the test host's own supervisor");
  await dialog.getByRole("button", { name: "Override and apply" }).click();
  await page.waitForURL(
    (url) => !url.pathname.endsWith(planId) && url.pathname.startsWith("/runs/"),
  );
  await page
    .getByTestId("readiness-override")
    .getByText(/k0s runs under the test host's own supervisor/)
    .waitFor();
  await runs
    .status()
    .filter({ hasText: /^succeeded$/ })
    .waitFor({ timeout: 180_000 });
  await assertAccessible(page, "the overridden apply");
  await look("apply-overridden");
});
