/**
 * A long import preview (more rows than its box shows) scrolls with the keyboard too: axe-core
 * finds no serious violation, and nothing overflows the page, at both sizes.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { type FleetPage, openFleetPage, stopFleetTest } from "./fleet-page";
import { lookAt } from "./look";

const ROWS = 60;

let server: RunningConsole;
let browser: Browser;
let fleet: FleetPage;

before(async () => {
  server = await startConsole();
  browser = await launchChromium();
  fleet = await openFleetPage(browser, server.url);
});

after(() => stopFleetTest("import preview", { browser, server }));

test("a preview of 60 rows is one keyboard-scrollable region", async () => {
  await fleet.signIn(server.token);
  const rows = Array.from({ length: ROWS }, (_, index) => `w-${index},10.0.1.${index + 1},worker`);
  const preview = await fleet.preview(`name,address,role\n${rows.join("\n")}\n`);
  await preview.getByText(`w-${ROWS - 1}`, { exact: true }).waitFor({ state: "attached" });
  const region = fleet.page.getByRole("region", { name: "Import preview" });
  const { scrolls, focusable } = await region.evaluate((box) => ({
    scrolls: box.scrollHeight > box.clientHeight,
    focusable: (box as HTMLElement).tabIndex === 0,
  }));
  assert.deepEqual({ scrolls, focusable }, { scrolls: true, focusable: true });
  await assertAccessible(fleet.page, "a long import preview");
  await lookAt(fleet.page, "import-preview-long");
});
