/**
 * The fleet page with 1,000 nodes: rows are windowed (far fewer in the page than in the fleet),
 * the column header stays on top while they scroll, the filter finds a node deep in the list,
 * select all selects every shown node (not only the rendered ones), and on a phone each node is a
 * card that does not overflow sideways.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { ROW_HEIGHT } from "@/components/fleet/fleet-columns";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { FleetPage, importGeneratedFleet } from "./fleet-page";
import { lookAt, SIZES, saveScreenshot } from "./look";

const NODES = 1000;

let server: RunningConsole;
let browser: Browser;
let page: Page;
let fleet: FleetPage;

before(async () => {
  server = await startConsole();
  await importGeneratedFleet(server, NODES);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: SIZES[0] })).newPage();
  page.setDefaultTimeout(60_000);
  fleet = new FleetPage(page, server.url);
  await fleet.signIn(server.token);
  await page.getByTestId("fleet-count").getByText(`${NODES} nodes`, { exact: true }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const domRows = () => page.locator("[data-testid^=node-row-]").count();
const headerTop = async () => (await page.getByTestId("fleet-header").boundingBox())?.y;
const scrollTable = (top: number) =>
  page.getByTestId("fleet-scroll").evaluate((box, to) => {
    box.scrollTop = to;
  }, top);

test("1,000 nodes: only the rows in view are rendered, under a header that stays", async () => {
  const rendered = await domRows();
  assert.ok(rendered > 10 && rendered < 100, `${rendered} rows in the page`);
  const row = await fleet.row("node-0").boundingBox();
  assert.equal(row?.height, ROW_HEIGHT.table, "a compact row of the height the window counts on");

  const top = await headerTop();
  const filterTop = async () => (await page.getByLabel("Filter nodes").boundingBox())?.y;
  const toolbar = await filterTop();
  // sorted by name, numbers in order: node-500 is the 501st row
  await scrollTable(500 * ROW_HEIGHT.table);
  await fleet.row("node-500").waitFor();
  await fleet.row("node-0").waitFor({ state: "detached" });
  assert.equal(await headerTop(), top, "the header stays where it was");
  assert.equal(await filterTop(), toolbar, "so does the toolbar");
  assert.ok((await domRows()) < 100);
  await scrollTable(NODES * ROW_HEIGHT.table);
  await fleet.row(`node-${NODES - 1}`).waitFor();
  assert.equal(await headerTop(), top);
  await assertAccessible(page, "the fleet page with 1,000 nodes");

  // the keyboard goes on past the last rendered row: focusing it scrolls, the window follows
  await scrollTable(0);
  await fleet.row(`node-${NODES - 1}`).waitFor({ state: "detached" });
  const last = async () =>
    Number(
      (await page.locator("[data-testid^=node-row-]").last().getAttribute("aria-rowindex")) ?? 0,
    ) - 2;
  const lastRow = await last();
  await page.getByRole("button", { name: `Remove node-${lastRow}`, exact: true }).focus();
  await fleet.row(`node-${lastRow + 1}`).waitFor();
  await page.keyboard.press("Tab");
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute("aria-label")),
    `Select node-${lastRow + 1}`,
  );

  // the row holding the focus stays in the page when it scrolls out of the window
  await scrollTable(0);
  const edit = page.getByRole("button", { name: "Edit node-3", exact: true });
  await edit.focus();
  await scrollTable(500 * ROW_HEIGHT.table);
  await fleet.row("node-500").waitFor();
  await fleet.row("node-4").waitFor({ state: "detached" });
  assert.equal(await edit.evaluate((button) => button === document.activeElement), true);
  await edit.blur();
  await fleet.row("node-3").waitFor({ state: "detached" });

  // an expanded node's details push the rows below it down, and the window follows
  await scrollTable(0);
  await (await fleet.details("node-1")).waitFor();
  await fleet.row("node-2").waitFor();
  await page.getByRole("button", { name: "node-1", exact: true }).click();
  await page.getByTestId("node-details-node-1").waitFor({ state: "detached" });
});

test("the filter finds a node deep in the list", async () => {
  const row = await fleet.show("node-987");
  await row.getByText("root@127.0.3.238:22", { exact: true }).waitFor();
  await page.getByTestId("fleet-count").getByText(`1 of ${NODES} nodes shown`).waitFor();
  assert.equal(await domRows(), 1);

  // its readiness reasons open over the page: neither clipped by the one-row scroll box nor under it
  await row.getByTestId("readiness-node-987").click();
  const reason = row.getByRole("listitem").first();
  await reason.waitFor();
  const panel = await reason.boundingBox();
  const box = await page.getByTestId("fleet-scroll").boundingBox();
  assert.ok(panel && box && panel.y + panel.height > box.y + box.height, "reaches below the box");
  const onTop = await reason.evaluate((item) => {
    const { x, y, height } = item.getBoundingClientRect();
    return item.contains(document.elementFromPoint(x + 4, y + height / 2));
  });
  assert.ok(onTop, "the reasons are on top where they reach");
  await saveScreenshot(page, "fleet-readiness-reasons");
  await page.keyboard.press("Escape");
  await reason.waitFor({ state: "detached" });
  await page.getByLabel("Filter nodes").fill("");
  await page.getByTestId("fleet-count").getByText(`${NODES} nodes`, { exact: true }).waitFor();
});

test("select all selects every shown node, rendered or not", async () => {
  await page.getByLabel("Select all shown nodes").check();
  const bar = page.getByRole("toolbar", { name: "Selected nodes" });
  await bar.getByText(`${NODES} selected`, { exact: true }).waitFor();
  await bar.getByRole("button", { name: `Remove ${NODES}…` }).waitFor();
  const boxes = page.locator("[data-testid^=node-row-] input[type=checkbox]");
  assert.equal(await boxes.count(), await domRows());
  for (const box of await boxes.all()) assert.equal(await box.isChecked(), true);

  // with a filter, "select all" means the shown ones: unticking it leaves the others selected
  await fleet.show("node-99");
  await page.getByTestId("fleet-count").getByText(`11 of ${NODES} nodes shown`).waitFor();
  await lookAt(page, "fleet-1000-filtered-selected");
  await page.getByLabel("Select all shown nodes").uncheck();
  await bar.getByText(`${NODES - 11} selected`, { exact: true }).waitFor();
  await bar.getByRole("button", { name: "Clear selection" }).click();
  await bar.waitFor({ state: "detached" });
  await page.getByLabel("Filter nodes").fill("");
});

test("on a phone each node is a card: nothing overflows, the rows still window", async () => {
  await page.setViewportSize(SIZES[1]);
  const card = fleet.row("node-0");
  await card.getByText("root@127.0.0.1:22", { exact: true }).waitFor();
  await card.getByRole("button", { name: "Edit node-0" }).waitFor();
  assert.equal((await card.boundingBox())?.height, ROW_HEIGHT.card);
  const box = await card.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= SIZES[1].width, "the card fits the phone");
  assert.ok((await domRows()) < 100);
  await assertAccessible(page, "the fleet page with 1,000 nodes on a phone");
  await page.setViewportSize(SIZES[0]);
  await lookAt(page, "fleet-1000");
});
