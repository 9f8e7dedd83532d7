import type { Browser, Page } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";

/**
 * A new browser context: `path` sends it to the sign-in page, it signs in with the console token,
 * then opens `path` (launchChromium's pages wait for hydration after each load).
 */
export async function signedInAt(
  browser: Browser,
  server: RunningConsole,
  path: string,
): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${server.url}${path}`);
  await page.waitForURL(/\/signin$/);
  await page.getByLabel("Console token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}${path}`);
  return page;
}
