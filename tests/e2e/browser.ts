import {
  type Browser,
  type BrowserContextOptions,
  chromium,
  type Page,
  type Response,
} from "playwright-core";

/**
 * Debian's Chromium, headless, with nothing that would reach for the network. Its pages wait for
 * React after every load (goto, reload, waitForURL): a click before hydration would be lost.
 */
export async function launchChromium(): Promise<Browser> {
  const browser = await launchBare();
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => waitsForHydration(await newPage(options), options);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    const contextPage = context.newPage.bind(context);
    context.newPage = async () => waitsForHydration(await contextPage(), options);
    return context;
  };
  return browser;
}

function waitsForHydration(page: Page, options: BrowserContextOptions = {}): Page {
  if (options.javaScriptEnabled === false) return page;
  // only the console's pages hydrate: not an API answer or a plain-text refusal
  const hydrated = async (response?: Response | null) => {
    const html = response ? response.headers()["content-type"]?.startsWith("text/html") : true;
    if (!html || new URL(page.url()).pathname.startsWith("/api/")) return;
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  };
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    await hydrated(response);
    return response;
  };
  const reload = page.reload.bind(page);
  page.reload = async (options) => {
    const response = await reload(options);
    await hydrated(response);
    return response;
  };
  const waitForURL = page.waitForURL.bind(page);
  page.waitForURL = async (url, options) => {
    await waitForURL(url, options);
    await hydrated();
  };
  return page;
}

function launchBare(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Runs every stop in order, each one even when one before it failed; then throws them all. */
export async function stopAll(
  what: string,
  stops: (() => Promise<unknown> | undefined)[],
): Promise<void> {
  const errors: unknown[] = [];
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, what);
}
