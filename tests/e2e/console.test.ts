import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";

let server: RunningConsole;
let browser: Browser;
let page: Page;

before(async () => {
  server = await startConsole();
  browser = await launchChromium();
  page = await browser.newPage({ acceptDownloads: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("sign in, upload a catalog, see its registries, preview, download the zip", async () => {
  await page.goto(server.url);
  await page.waitForURL(/\/signin$/);
  await assertAccessible(page, "the sign-in page");

  await page.getByLabel("Console token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "not the console token" }).waitFor();

  await page.getByLabel("Console token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.url}/`);

  const catalog = readFileSync(path.join(__dirname, "..", "fixtures", "catalogs", "images.txt"));
  await page
    .getByTestId("catalog-input")
    .setInputFiles({ name: "images.txt", mimeType: "text/plain", buffer: catalog });
  const summary = page.getByTestId("catalog-summary");
  await summary.waitFor();
  assert.match((await summary.textContent()) ?? "", /\d+ images from \d+ registries/);

  const registries = page.getByTestId("registry-list");
  for (const host of ["quay.io", "registry.k8s.io", "ghcr.io", "docker.io"]) {
    await registries.getByText(host, { exact: true }).waitFor();
  }

  await page.getByLabel("Registry address (host:port)").fill("10.0.0.5:5000");
  await page.getByRole("button", { name: "Add node" }).click();
  await page.getByLabel("Node 2 role").selectOption("worker");
  await page.getByLabel("Node 1 role").selectOption("controller+worker");

  const files = page.getByTestId("file-list");
  await files.getByText("/etc/k0s/containerd.d/certs.d/ghcr.io/hosts.toml").click();
  const code = page.getByTestId("code-view");
  await code.getByText('[host."http://10.0.0.5:5000"]').waitFor();
  await assertAccessible(page, "the config page with a preview");

  // An error appears in place, and the last good preview stays.
  await page.getByLabel("Registry address (host:port)").fill("http://10.0.0.5:5000");
  await page.getByRole("alert").filter({ hasText: "has a scheme" }).first().waitFor();
  await page.getByLabel("Registry address (host:port)").fill("10.0.0.5:5000");
  await page.getByTestId("render-error").waitFor({ state: "detached" });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-zip").click(),
  ]);
  const zip = unzipSync(readFileSync((await download.path()) ?? ""));
  const names = Object.keys(zip);
  assert.ok(names.includes("node-1/etc/k0s/containerd.d/cri-registry.toml"), names.join("\n"));
  assert.ok(names.includes("node-2/etc/k0s/containerd.d/certs.d/ghcr.io/hosts.toml"));
  assert.ok(names.includes("manifest.json"));
  const manifest = JSON.parse(new TextDecoder().decode(zip["manifest.json"]));
  assert.deepEqual(
    manifest.nodes.map((node: { name: string; role: string }) => [node.name, node.role]),
    [
      ["node-1", "controller+worker"],
      ["node-2", "worker"],
    ],
  );
});
