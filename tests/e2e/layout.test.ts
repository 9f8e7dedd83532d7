/**
 * Every page at a desktop and a phone size, in light and dark: nothing overflows sideways, no
 * field is narrower than its content (text fields at least ~120 px), a `<main>` landmark, and
 * axe-core finds no serious or critical violation.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { waitFor } from "../lab/wait";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { SIZES, saveScreenshot } from "./look";

const MIN_TEXT_FIELD_PX = 120;

let server: RunningConsole;
let browser: Browser;
let runId: string;

async function call(route: string, method = "GET", body?: unknown): Promise<Response> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.status < 400, `${method} ${route}: ${response.status}`);
  return response;
}

before(async () => {
  server = await startConsole();
  browser = await launchChromium();
  // a node nobody listens for, with a long name and labels: the widest row a page shows
  await call("/api/nodes", "POST", {
    name: "worker-with-a-rather-long-name-17",
    address: "127.0.0.1",
    port: 1,
    user: "root",
    role: "worker",
    labels: { rack: "a1", zone: "datacenter-north" },
    auth: { kind: "agent" },
    sudo: { mode: "none" },
  });
  const run = (await (
    await call("/api/runs", "POST", { action: "plan", nodes: "all" })
  ).json()) as {
    id: string;
  };
  runId = run.id;
  await waitFor(
    "the plan to end",
    async () => {
      const { status } = (await (await call(`/api/runs/${runId}`)).json()) as { status: string };
      return status !== "running";
    },
    { timeoutMs: 60_000 },
  );
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** What overflows on the page as it is now: the document, or a field narrower than its content. */
function layoutProblems(page: Page, minTextField: number): Promise<string[]> {
  return page.evaluate((min) => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
      found.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    }
    const fields = document.querySelectorAll<HTMLElement>("input, select, textarea");
    for (const field of fields) {
      const box = field.getBoundingClientRect();
      const style = getComputedStyle(field);
      const hidden = box.width === 0 || style.visibility === "hidden" || field.closest(".sr-only");
      if (hidden) continue;
      const name =
        field.getAttribute("aria-label") ?? field.id ?? field.getAttribute("name") ?? "a field";
      if (field.scrollWidth > field.clientWidth + 1) {
        found.push(`${name} is narrower than its content (${field.clientWidth}px)`);
      }
      const text =
        field instanceof HTMLTextAreaElement ||
        (field instanceof HTMLInputElement &&
          ["text", "search", "password", "url", ""].includes(field.type));
      if (text && box.width < min) found.push(`${name} is ${Math.round(box.width)}px wide`);
    }
    return found;
  }, minTextField);
}

async function checkPage(page: Page, where: string): Promise<void> {
  assert.equal(await page.locator("main").count(), 1, `${where}: one <main> landmark`);
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    assert.deepEqual(
      await layoutProblems(page, MIN_TEXT_FIELD_PX),
      [],
      `${where} (${colorScheme})`,
    );
    await saveScreenshot(page, `${where}-${colorScheme}`);
  }
  await assertAccessible(page, where);
}

for (const size of SIZES) {
  test(`every page at ${size.width}x${size.height}: no sideways overflow, fields fit`, async () => {
    const context = await browser.newContext({ viewport: size });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/signin`);
      await checkPage(page, `the sign-in page at ${size.width}px`);
      await page.getByLabel("Console token").fill(server.token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.url}/`);

      await page.getByTestId("file-list").waitFor();
      const address = page.getByLabel("Registry address (host:port)");
      await address.fill("mirror.dc1.example:5000");
      await page
        .getByTestId("file-list")
        .getByText(/quay\.io\/hosts\.toml$/)
        .click();
      await page.getByTestId("code-view").getByText("mirror.dc1.example:5000").first().waitFor();
      await checkPage(page, `the config page at ${size.width}px`);

      await page.goto(`${server.url}/fleet`);
      await page.getByText("worker-with-a-rather-long-name-17").first().waitFor();
      await checkPage(page, `the fleet page at ${size.width}px`);

      await page.goto(`${server.url}/runs`);
      await page.getByText(runId).first().waitFor();
      await checkPage(page, `the runs page at ${size.width}px`);

      await page.goto(`${server.url}/runs/${runId}`);
      await page.getByTestId("run-summary").waitFor();
      await checkPage(page, `the run page at ${size.width}px`);
    } finally {
      await context.close();
    }
  });
}
