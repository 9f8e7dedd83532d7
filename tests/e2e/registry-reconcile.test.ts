/**
 * Reconcile in a real browser: the lab bundle pushed under the k0rdent-enterprise prefix, the
 * report lists registry.k8s.io/pause:3.9 missing first with its request URL and the bundle's
 * k8s/pause as where it sits; Fix copies it and the row resolves.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { type LabRun, startLabRun } from "../lab/lab-run";
import { type PushRegistry, startPushRegistry } from "../lab/push-registry";
import { pushLabBundle } from "../lab/pushed-bundle";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { lookAt } from "./look";
import { signedInAt } from "./signed-in";

const PREFIX = "k0rdent-enterprise";

let run: LabRun;
let registry: PushRegistry;
let server: RunningConsole;
let browser: Browser;

before(async () => {
  run = await startLabRun();
  registry = await startPushRegistry(run, "plain");
  await pushLabBundle(run, registry.connection, PREFIX);
  server = await startConsole();
  const address = registry.registry.address ?? "";
  await put("/api/settings", {
    k0sVersion: "1.32.8",
    registries: ["registry.k8s.io", "quay.io"],
    mirror: { address, scheme: "http", layout: { prefix: PREFIX } },
  });
  await put("/api/registry/settings", { credentials: { kind: "none" } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await registry?.stop();
  run?.dispose();
});

async function put(route: string, body: unknown): Promise<void> {
  const response = await fetch(`${server.url}${route}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `PUT ${route}: ${response.status} ${await response.text()}`);
}

test("the reconcile report: pause missing first, fixed from k8s/pause, then resolved", async () => {
  const page = await signedInAt(browser, server, "/registry");
  const section = page.getByRole("region", { name: /Reconcile: what nodes will request/ });
  await section.getByRole("button", { name: "Check what nodes will request" }).click();
  const rows = section.getByRole("list", { name: "Requested references" }).getByRole("listitem");
  await rows.first().waitFor();
  // k0s 1.32's images the bundle lacks come first too; the present ones (coredns) after them
  await rows.first().getByText("Missing").waitFor();
  await rows.last().getByText("Present").waitFor();
  const pause = rows.filter({ hasText: "registry.k8s.io/pause:3.9" });
  await pause.getByText("Missing").waitFor();
  await pause
    .getByText(
      `http://${registry.registry.address}/v2/${PREFIX}/pause/manifests/3.9?ns=registry.k8s.io`,
    )
    .waitFor();
  await pause.getByText(`Found at ${PREFIX}/k8s/pause:3.9`).waitFor();
  await section
    .getByRole("status")
    .getByText(/do not resolve/)
    .waitFor();
  await assertAccessible(page, "reconcile report");
  await section.scrollIntoViewIfNeeded();
  await lookAt(page, "registry-reconcile");

  await section.getByRole("button", { name: "Fix registry.k8s.io/pause:3.9" }).click();
  const results = section.getByRole("list", { name: "Fix results" });
  await results.getByText(/copied from k0rdent-enterprise\/k8s\/pause/).waitFor();
  await pause.getByText("Present").waitFor();
  assert.equal(
    await section.getByRole("button", { name: "Fix registry.k8s.io/pause:3.9" }).count(),
    0,
  );
  await assertAccessible(page, "reconcile fixed");
  await section.scrollIntoViewIfNeeded();
  await lookAt(page, "registry-reconcile-fixed");
});
