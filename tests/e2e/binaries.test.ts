/**
 * A k0s binary from the browser to a node: uploaded in the plan form, recorded by the plan,
 * carried by the apply started from it, and written to a node that had no k0s.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";
import { k0sStandinExecutable } from "../lab/k0s-standin/install";
import type { SshLab } from "../lab/ssh-hosts";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { RunsPage } from "./runs-page";
import { STANDIN_VERSION, startStandinFleet } from "./standin-fleet";

const NODE = "bin-1";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;

before(async () => {
  ({ lab, server } = await startStandinFleet([NODE]));
  // the node has no k0s: only the upload can put it there
  const removed = await lab.sshExec(NODE, "rm -f /usr/local/bin/k0s");
  assert.equal(removed.code, 0, removed.stderr);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await lab?.stop();
});

async function runInputs(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/api/runs/${id}`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  return ((await response.json()) as { run: { inputs: Record<string, unknown> } }).run.inputs;
}

test("upload in the plan form → plan → apply from it: the node gets exactly that binary", async () => {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(60_000);
  const runs = new RunsPage(page, server.url);
  await runs.signIn(server.token);
  await page.goto(`${server.url}/runs`);
  const executable = await k0sStandinExecutable({ version: STANDIN_VERSION });
  const field = page.getByTestId("k0s-binary-field");
  await field.getByTestId("k0s-binary-input").setInputFiles({
    name: "k0s-standin",
    mimeType: "application/octet-stream",
    buffer: Buffer.from(executable),
  });
  await field
    .getByRole("status")
    .filter({ hasText: `Uploaded k0s-standin: k0s v${STANDIN_VERSION}+k0s.0 · script` })
    .waitFor();
  const sha256 = await field.getByLabel("k0s binary", { exact: true }).inputValue();
  assert.match(sha256, /^[0-9a-f]{64}$/);

  // a text file is refused in the form, and the chosen binary stays
  await field.getByTestId("k0s-binary-input").setInputFiles({
    name: "notes.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("not a binary\n"),
  });
  await field.getByText("notes.txt: not a k0s binary: this is a text file").waitFor();
  assert.equal(await field.getByLabel("k0s binary", { exact: true }).inputValue(), sha256);
  await assertAccessible(page, "the plan form with a refused upload");

  await page
    .getByTestId("plan-form")
    .getByRole("button", { name: `Plan on ${NODE}` })
    .click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  const planId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  await runs
    .status()
    .filter({ hasText: /^succeeded$/ })
    .waitFor();
  // a script: the binary for every architecture
  const everyArch = { amd64: sha256, arm64: sha256, arm: sha256 };
  assert.deepEqual((await runInputs(planId)).k0sBinaries, everyArch);

  await page.getByTestId("apply-plan").getByText("Apply to these 1 node").click();
  await page.getByTestId("apply-dialog").getByRole("button", { name: "Apply to 1 node" }).click();
  await page.waitForURL(
    (url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(planId),
  );
  const applyId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  await runs
    .status()
    .filter({ hasText: /^(succeeded|failed)$/ })
    .waitFor({ timeout: 120_000 });
  assert.equal((await runs.status().textContent())?.trim(), "succeeded");
  const inputs = await runInputs(applyId);
  assert.deepEqual(inputs.k0sBinaries, everyArch);
  assert.equal(inputs.fromPlan, planId);
  // the run's header says which binary it uploaded
  await page
    .getByTestId("run-binary-amd64")
    .filter({ hasText: `v${STANDIN_VERSION}+k0s.0 ${sha256.slice(0, 12)}…` })
    .waitFor();
  assert.equal(lab.host(NODE).readFile("/usr/local/bin/k0s"), executable);
});
