/**
 * Pushing a bundle from the registry page in a real browser: choose a bundle of
 * CONSOLE_BUNDLES_DIR, follow the run's page as artifacts go in, cancel while the registry has
 * gone quiet, push again and see the resume skip what was there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { type BundleArtifact, bundleEntries, labBundle, writeBundle } from "../lab/bundle";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { type FlakyProxy, startFlakyProxy } from "../lab/flaky-proxy";
import { type LabRun, startLabRun } from "../lab/lab-run";
import { type PushRegistry, startPushRegistry } from "../lab/push-registry";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { lookAt } from "./look";
import { signedInAt } from "./signed-in";

const PREFIX = "k0rdent-enterprise";
const BUNDLE = "airgap-bundle.tar.gz";

let run: LabRun;
let registry: PushRegistry;
let proxy: FlakyProxy;
let server: RunningConsole;
let browser: Browser;
let artifacts: BundleArtifact[];
/** once set, the proxy answers nothing after the first artifact is tagged */
let quietAfterFirstTag = true;
let tagged = false;

before(async () => {
  run = await startLabRun();
  registry = await startPushRegistry(run, "plain");
  proxy = await startFlakyProxy(registry.connection.url, (req) => {
    if (tagged && quietAfterFirstTag) return "hold";
    if (req.method === "PUT" && /\/manifests\/(?!sha256:)[^/]+$/.test(req.url ?? "")) tagged = true;
    return undefined;
  });
  artifacts = labBundle();
  const bundles = run.mkdir("bundles");
  await writeBundle(join(bundles, BUNDLE), bundleEntries(artifacts));
  process.env.CONSOLE_BUNDLES_DIR = bundles;
  server = await startConsole();
  delete process.env.CONSOLE_BUNDLES_DIR;
  await putSettings(proxy.url);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await proxy?.stop();
  await registry?.stop();
  run?.dispose();
});

async function putSettings(url: string): Promise<void> {
  const response = await fetch(`${server.url}/api/registry/settings`, {
    method: "PUT",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      address: new URL(url).host,
      prefix: PREFIX,
      scheme: "http",
      credentials: { kind: "none" },
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** From the registry page: the chosen bundle pushed, then its run's page. */
async function pushFromRegistryPage(page: Page, where: string): Promise<void> {
  await page.goto(`${server.url}/registry`);
  await page.locator("html[data-hydrated]").waitFor();
  const form = page.getByRole("form", { name: "Push a bundle" });
  await form.getByLabel("Bundle", { exact: true }).selectOption(`source:${BUNDLE}`);
  await form.getByLabel("Artifacts at once").fill("1");
  await assertAccessible(page, `registry page, ${where}`);
  await lookAt(page, `registry-push-${where}`);
  await form.getByRole("button", { name: "Push" }).click();
  await form.getByRole("link", { name: /follow run/ }).click();
  await page.waitForURL(/\/runs\//);
  await page.locator("html[data-hydrated]").waitFor();
}

const rows = (page: Page, state: string) =>
  page.getByTestId("push-artifacts").locator(`tr[data-state="${state}"]`);

test("choose a bundle, watch it go in, cancel, push again: the rest goes in, the first is skipped", async () => {
  const page = await signedInAt(browser, server, "/registry");
  await pushFromRegistryPage(page, "first");
  // the first artifact is tagged, then the registry goes quiet: the page shows it done
  await rows(page, "done").first().waitFor();
  assert.equal(await rows(page, "done").count(), 1);
  await page.getByTestId("push-overall").getByText(/read/).waitFor();
  await assertAccessible(page, "push run, midway");
  await lookAt(page, "push-run-midway");
  await page.getByTestId("cancel-run").click();
  await page
    .getByText(/cancelled/)
    .first()
    .waitFor();
  assert.equal(
    await page.getByTestId("retry-run").count(),
    0,
    "a push is resumed by pushing again",
  );

  quietAfterFirstTag = false;
  await pushFromRegistryPage(page, "again");
  await page.getByTestId("cancel-run").waitFor({ state: "detached" });
  await page.getByText(`1 already there, ${artifacts.length - 1} done`).waitFor();
  assert.equal(await rows(page, "skipped").count(), 1);
  assert.equal(await rows(page, "done").count(), artifacts.length - 1);
  await assertAccessible(page, "push run, resumed");
  await lookAt(page, "push-run-resumed");
});
