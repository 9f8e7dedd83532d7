/**
 * The registry page in a real browser: its settings form (every bad field at once, by its label;
 * the password write-only; the connection test answered in words) and what the registry holds —
 * repositories, a repository's tags, a reference's platforms and size.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { indexArtifact } from "../lab/bundle";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { type LabRun, startLabRun } from "../lab/lab-run";
import {
  LAB_PASSWORD,
  LAB_USER,
  type PushRegistry,
  pushArtifact,
  startPushRegistry,
} from "../lab/push-registry";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { lookAt } from "./look";
import { signedInAt } from "./signed-in";

let run: LabRun;
let registry: PushRegistry;
let server: RunningConsole;
let browser: Browser;
const index = indexArtifact("k0rdent-enterprise/k0sproject/coredns_1.12.2.tar", ["amd64", "arm64"]);

before(async () => {
  run = await startLabRun();
  registry = await startPushRegistry(run, "tls-htpasswd");
  await pushArtifact(registry.connection, "k0rdent-enterprise/k0sproject/coredns", index);
  server = await startConsole();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await registry?.stop();
  run?.dispose();
});

test("registry settings: all errors at once, saved, tested; then what the registry holds", async () => {
  const page = await signedInAt(browser, server, "/registry");
  await assertAccessible(page, "registry page, empty");
  await lookAt(page, "registry-empty");

  const form = page.getByRole("form", { name: "Registry settings" });
  await page.getByLabel("Scheme").selectOption("https");
  await page
    .getByLabel("Registry address (host:port, or host:port/prefix)")
    .fill("http://bad:5000");
  await page
    .getByLabel("CA certificate (PEM, optional)")
    .fill("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----");
  await page.getByLabel("User name and password").check();
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText(/Not saved: Registry address: "http:\/\/bad:5000" has a scheme/).waitFor();
  await page.getByText(/CA certificate: line 1 starts a PRIVATE KEY block/).waitFor();
  await page.getByText(/User name: is required; Password: is required with a user name/).waitFor();
  assert.equal(
    await page
      .getByLabel("Registry address (host:port, or host:port/prefix)")
      .getAttribute("aria-invalid"),
    "true",
  );
  await assertAccessible(page, "registry settings with errors");
  await lookAt(page, "registry-errors");

  const address = registry.registry.address ?? "";
  await page
    .getByLabel("Registry address (host:port, or host:port/prefix)")
    .fill(`${address}/k0rdent-enterprise`);
  await page.getByLabel("CA certificate (PEM, optional)").fill(registry.connection.ca ?? "");
  await page.getByLabel("User name", { exact: true }).fill(LAB_USER);
  await page.getByLabel("Password", { exact: true }).fill(LAB_PASSWORD);
  await form.getByRole("button", { name: "Save and test connection" }).click();
  const tested = page.getByRole("region", { name: "Connection test" });
  await tested
    .getByText("The registry answers /v2/ (HTTP 200): the credentials were accepted.")
    .waitFor();
  await tested.getByText(/TLS: verified/).waitFor();
  // split, stored, and the password is never shown again
  assert.equal(await page.getByLabel("Repository prefix").inputValue(), "k0rdent-enterprise");
  assert.equal(await page.getByLabel("Password", { exact: true }).inputValue(), "");
  assert.equal(
    await page.getByLabel("Password", { exact: true }).getAttribute("placeholder"),
    "stored: leave empty to keep",
  );
  await page
    .getByRole("list", { name: "Registry warnings" })
    .getByText(/differs from the mirror's 127.0.0.1:5000/)
    .waitFor();
  assert.ok(!(await page.content()).includes(LAB_PASSWORD));
  await assertAccessible(page, "registry settings tested");
  await lookAt(page, "registry-tested");

  // what it holds: reload (server-rendered with the saved settings), then repository → tag → details
  await page.goto(`${server.url}/registry`);
  await page.getByRole("link", { name: "k0rdent-enterprise/k0sproject/coredns" }).click();
  await page.getByRole("link", { name: "1.12.2" }).click();
  const details = page.getByRole("region", {
    name: "k0rdent-enterprise/k0sproject/coredns:1.12.2",
  });
  await details.getByText(index.top.digest).waitFor();
  await details.getByText(/linux\/amd64 ·/).waitFor();
  await details.getByText(/linux\/arm64 ·/).waitFor();
  await page.getByLabel("Filter repositories on this page").fill("nothing-like-this");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByText('Nothing on this page contains "nothing-like-this".').waitFor();
  await page.goBack();
  await details.getByText(index.top.digest).waitFor();
  await assertAccessible(page, "registry contents");
  await page.getByRole("region", { name: "What it holds" }).scrollIntoViewIfNeeded();
  await lookAt(page, "registry-contents");
});
