import type { Browser, Page } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";

/** A new browser context signed in with the console token, on `path` once hydrated. */
export async function signedInAt(
  browser: Browser,
  server: RunningConsole,
  path: string,
): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${server.url}/signin`);
  await page.getByLabel("Console token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}${path}`);
  await page.locator("html[data-hydrated]").waitFor();
  return page;
}
