/**
 * k0s binaries per architecture from the browser to the nodes: the plan form offers one chooser
 * per architecture the fleet's checks found (one node reports aarch64), each uploaded there,
 * recorded by the plan, carried by the apply started from it, and written to each node — which
 * had no k0s — by its architecture.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import type { RunningConsole } from "../lab/console-server";
import { syntheticK0s } from "../lab/elf-files";
import { k0sStandinExecutable } from "../lab/k0s-standin/install";
import { reportArch } from "../lab/node-arch";
import type { SshLab } from "../lab/ssh-hosts";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { lookAt } from "./look";
import { RunsPage } from "./runs-page";
import { checkNodes, STANDIN_VERSION, startStandinFleet } from "./standin-fleet";

const AMD = "bin-amd";
const ARM = "bin-arm";
const K0S = "/usr/local/bin/k0s";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;

before(async () => {
  ({ lab, server } = await startStandinFleet([AMD, ARM]));
  await reportArch(lab, ARM, "aarch64");
  // its checks record the architecture it reports now
  await checkNodes(server, [ARM]);
  // the nodes have no k0s: only the uploads can put it there
  for (const node of [AMD, ARM]) {
    const removed = await lab.sshExec(node, `rm -f ${K0S}`);
    assert.equal(removed.code, 0, removed.stderr);
  }
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

test("one binary per architecture in the plan form → plan → apply: each node gets its architecture's", async () => {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(60_000);
  const runs = new RunsPage(page, server.url);
  await runs.signIn(server.token);
  await page.goto(`${server.url}/runs`);
  const field = page.getByTestId("k0s-binary-field");
  await field
    .getByTestId("fleet-arches")
    .filter({ hasText: "amd64 (1 node), arm64 (1 node)" })
    .waitFor();
  // the fleet has no arm (32-bit) node: no chooser for it
  assert.equal(await field.getByTestId("k0s-binary-arm").count(), 0);
  const amd64 = field.getByTestId("k0s-binary-amd64");
  const arm64 = field.getByTestId("k0s-binary-arm64");

  const amdStandin = await k0sStandinExecutable({ version: STANDIN_VERSION });
  // other bytes, so each node's file shows which one it got
  const armStandin = `${amdStandin}\n// the arm64 stand-in\n`;
  const uploadIn = (row: typeof amd64, name: string, content: string | Buffer) =>
    row.getByTestId("k0s-binary-input").setInputFiles({
      name,
      mimeType: "application/octet-stream",
      buffer: Buffer.from(content),
    });
  await uploadIn(amd64, "k0s-amd64", amdStandin);
  await amd64
    .getByRole("status")
    .filter({ hasText: `Uploaded k0s-amd64: k0s v${STANDIN_VERSION}+k0s.0 · script` })
    .waitFor();
  const amdSha = await amd64.getByLabel("k0s binary for amd64", { exact: true }).inputValue();
  assert.match(amdSha, /^[0-9a-f]{64}$/);
  await uploadIn(arm64, "k0s-arm64", armStandin);
  await arm64.getByRole("status").filter({ hasText: "Uploaded k0s-arm64" }).waitFor();
  const armSha = await arm64.getByLabel("k0s binary for arm64", { exact: true }).inputValue();
  assert.match(armSha, /^[0-9a-f]{64}$/);
  assert.notEqual(armSha, amdSha);

  // an arm64 ELF (of another k0s version) uploaded for amd64 is kept but not chosen there,
  // saying why; a text file is refused; the chosen binary stays
  await uploadIn(amd64, "k0s-elf-arm64", syntheticK0s("arm64", { version: "v1.33.1+k0s.0" }));
  await amd64
    .getByText("k0s-elf-arm64 is the k0s binary for arm64, not amd64: it is kept")
    .waitFor();
  await uploadIn(amd64, "notes.txt", "not a binary\n");
  await amd64.getByText("notes.txt: not a k0s binary: this is a text file").waitFor();
  assert.equal(
    await amd64.getByLabel("k0s binary for amd64", { exact: true }).inputValue(),
    amdSha,
  );
  // the ELF is offered where it fits; chosen there, the plan is refused naming both versions
  assert.equal(await amd64.getByRole("option", { name: /k0s-elf-arm64/ }).count(), 0);
  const armSelect = arm64.getByLabel("k0s binary for arm64", { exact: true });
  const elf = arm64.getByRole("option", { name: /k0s-elf-arm64/ });
  await armSelect.selectOption((await elf.getAttribute("value")) ?? "");
  const planButton = page.getByTestId("plan-form").getByRole("button", { name: "Plan on 2 nodes" });
  await planButton.click();
  await page
    .getByRole("alert")
    .filter({
      hasText:
        "The plan could not start: k0s binary for arm64: the k0s binary is k0s v1.33.1+k0s.0, but the fleet's k0s version is 1.32.8",
    })
    .waitFor();
  await armSelect.selectOption(armSha);
  await assertAccessible(page, "the plan form with a binary per architecture");
  await lookAt(page, "plan-form-binaries");

  await planButton.click();
  const planId = await runs.runId();
  await runs.waitForStatus(/^succeeded$/);
  const byArch = { amd64: amdSha, arm64: armSha };
  assert.deepEqual((await runInputs(planId)).k0sBinaries, byArch);
  // each node's prediction names the binary of its architecture
  await page
    .getByTestId(`plan-prediction-${AMD}`)
    .getByText(/upload the amd64 k0s v1\.32\.8\+k0s\.0 \(a script, \d+ KiB\)/)
    .first()
    .waitFor();
  await page
    .getByTestId(`plan-prediction-${ARM}`)
    .getByText(/upload the arm64 k0s v1\.32\.8\+k0s\.0/)
    .first()
    .waitFor();
  await assertAccessible(page, "a plan naming a binary per node");
  await lookAt(page, "plan-binaries");
  // back on the Runs page, the same binaries are chosen
  const planUrl = page.url();
  await page.goto(`${server.url}/runs`);
  for (const [arch, sha256] of Object.entries(byArch)) {
    const chooser = field.getByLabel(`k0s binary for ${arch}`, { exact: true });
    await chooser.locator(`option:checked[value="${sha256}"]`).waitFor({ state: "attached" });
    assert.equal(await chooser.inputValue(), sha256);
  }
  await page.goto(planUrl);

  // the confirmation says what is uploaded, from the plan
  const dialog = await runs.openApplyDialog(2);
  await dialog
    .getByTestId("apply-uploads")
    .filter({
      hasText: /^k0s is uploaded to 2 nodes: amd64 to 1, arm64 to 1 \(\d+ KiB in all\)\.$/,
    })
    .waitFor();
  await assertAccessible(page, "the apply confirmation with its uploads");
  await lookAt(page, "apply-dialog-uploads");
  await dialog.getByRole("button", { name: "Apply to 2 nodes" }).click();
  const applyId = await runs.runId(planId);
  assert.equal(await runs.waitForStatus(/^(succeeded|failed)$/), "succeeded");
  const inputs = await runInputs(applyId);
  assert.deepEqual(inputs.k0sBinaries, byArch);
  assert.equal(inputs.fromPlan, planId);
  // the run's header lists the binaries it uploaded
  for (const [arch, sha] of Object.entries(byArch))
    await page
      .getByTestId(`run-binary-${arch}`)
      .filter({ hasText: `v${STANDIN_VERSION}+k0s.0 ${sha.slice(0, 12)}…` })
      .waitFor();
  await assertAccessible(page, "an apply's page with its binaries");
  await lookAt(page, "apply-binaries");
  assert.equal(lab.host(AMD).readFile(K0S), amdStandin);
  assert.equal(lab.host(ARM).readFile(K0S), armStandin);
});
