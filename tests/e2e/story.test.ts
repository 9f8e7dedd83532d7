/**
 * The whole job in the browser, on fresh test hosts (a controller and two workers, no k0s on
 * them): fleet settings on the Config page, a k0sctl.yaml imported with its keyPath read from the
 * keys folder, every host key trusted at once, one credential assigned to all, checks run, a plan
 * that uploads the k0s binary, an apply confirmed, refused by a failing check and overridden with
 * a reason, the cluster up with its admin kubeconfig, then a rollback and a reset from their
 * dialogs — each checked on the hosts themselves. Every screen on the way is checked by axe-core
 * and for sideways overflow at both sizes (screenshots with E2E_SCREENSHOTS).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { LAB_SEED } from "../lab/images";
import { standinSeed } from "../lab/k0s-standin/images";
import {
  installK0sStandin,
  k0sStandinExecutable,
  readStandinState,
} from "../lab/k0s-standin/install";
import { STANDIN_PATHS } from "../lab/k0s-standin/state";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { stopInOrder } from "./cleanup";
import { CredentialsSection, FleetPage } from "./fleet-page";
import { lookAt, SIZES, saveScreenshot } from "./look";
import { RunsPage } from "./runs-page";
import { STANDIN_VERSION } from "./standin-fleet";

const CP = "story-cp";
const WORKER = "story-w1";
const WORKERS = [WORKER, "story-w2"];
const HOSTS = [CP, ...WORKERS];
const REASON = "test hosts: sshd is PID 1, the k0s stand-in supervises itself";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let page: Page;
let keysDir: string;

/** Every screen of the story: no serious axe violation, no sideways overflow, screenshots. */
async function look(where: string): Promise<void> {
  await assertAccessible(page, where);
  await lookAt(page, `story-${where}`);
}

/** Whether a path exists on a host (asked over SSH: the overlay's upper dir keeps whiteouts). */
async function exists(host: string, file: string): Promise<boolean> {
  const result = await lab.sshExec(host, `test -e '${file}' && echo yes || echo no`);
  return result.stdout.trim() === "yes";
}

before(async () => {
  lab = await startSshLab({
    hosts: HOSTS.map((name) => ({ name })),
    seed: [...new Set([...LAB_SEED, ...standinSeed(STANDIN_VERSION)])],
  });
  // only the stand-in's call log: no k0s binary, the console uploads it
  await Promise.all(
    HOSTS.map((name) =>
      installK0sStandin(lab, name, { version: STANDIN_VERSION, writeBinary: false }),
    ),
  );
  keysDir = mkdtempSync(path.join(tmpdir(), "story-keys-"));
  writeFileSync(path.join(keysDir, "id_ed25519"), lab.keys.ed25519.privateKey, { mode: 0o600 });
  process.env.CONSOLE_SSH_KEYS_DIR = keysDir;
  server = await startConsole();
  browser = await launchChromium();
  page = await (await browser.newContext({ acceptDownloads: true, viewport: SIZES[0] })).newPage();
  page.setDefaultTimeout(60_000);
});

after(() =>
  stopInOrder("the story e2e test", [
    () => browser?.close(),
    () => server?.stop(),
    () => lab?.stop(),
    async () => {
      delete process.env.CONSOLE_SSH_KEYS_DIR;
      if (keysDir) rmSync(keysDir, { recursive: true, force: true });
    },
  ]),
);

function k0sctlYaml(): string {
  const hosts = HOSTS.map(
    (name) => `  - role: ${name === CP ? "controller" : "worker"}
    hostname: ${name}
    ssh:
      address: ${lab.host(name).address}
      user: root
      keyPath: ~/.ssh/id_ed25519
`,
  );
  return `apiVersion: k0sctl.k0sproject.io/v1beta1
kind: Cluster
metadata:
  name: story
spec:
  hosts:
${hosts.join("")}  k0s:
    version: ${STANDIN_VERSION}
`;
}

test("fresh hosts to a running cluster and back, only through the browser", async (t) => {
  /** One step of the story: the first that fails ends it, named; each says how long it took. */
  const step = async (name: string, run: () => Promise<void>) => {
    const started = performance.now();
    try {
      await run();
    } catch (error) {
      await saveScreenshot(page, `story-failed-${name}`);
      throw new Error(`story step "${name}" failed: ${(error as Error).message}`, { cause: error });
    }
    t.diagnostic(`${name}: ${Math.round(performance.now() - started)} ms`);
  };
  const fleet = new FleetPage(page, server.url);
  const runs = new RunsPage(page, server.url);
  let applyId = "";

  await step("the Config page takes the mirror address and the k0s version", async () => {
    await page.goto(server.url);
    await page.waitForURL(/\/signin$/);
    await look("sign-in");
    await page.getByLabel("Console token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/`);
    for (const registry of ["registry.k8s.io", "quay.io"])
      await page.getByLabel(registry, { exact: true }).check();
    await page.getByLabel("k0s version", { exact: true }).fill(STANDIN_VERSION);
    const mirror = lab.registryAddress;
    assert.ok(mirror, "the lab has a registry");
    await page.getByLabel("Registry address (host:port)").fill(mirror);
    // rendered with what was typed (saved first), and said to be saved
    await page
      .getByTestId("file-list")
      .getByText("/etc/k0s/containerd.d/certs.d/quay.io/hosts.toml")
      .click();
    await page.getByTestId("code-view").getByText(`[host."http://${mirror}"]`).first().waitFor();
    await page
      .getByTestId("settings-state")
      .getByText(/^Settings saved · containerd config/)
      .waitFor();
    await look("config");
  });

  await step("a k0sctl.yaml is imported with its keyPath read from the keys folder", async () => {
    await page.goto(`${server.url}/fleet`);
    const preview = await fleet.preview(k0sctlYaml());
    await page.getByText(`Read as k0sctl: ${HOSTS.length} rows.`).waitFor();
    assert.equal(await preview.getByText("key read from id_ed25519").count(), HOSTS.length);
    await look("import-preview");
    await fleet.confirmImport(HOSTS.length);
    for (const name of HOSTS) await fleet.row(name).waitFor();
  });

  await step("checks find the host keys; all are trusted at once", async () => {
    await fleet.runChecksOnAll();
    await fleet.selectAll(HOSTS.length);
    const dialog = await fleet.openBulkTrust();
    for (const name of HOSTS)
      await dialog.getByTestId(`trust-${name}`).getByText(lab.host(name).fingerprint).waitFor();
    await look("bulk-trust");
    await dialog.getByRole("button", { name: `Trust ${HOSTS.length} keys` }).click();
    await dialog.waitFor({ state: "detached" });
  });

  await step("one credential is added and assigned to every node", async () => {
    const credentials = new CredentialsSection(page);
    await credentials.addWithKey(
      "lab-root",
      lab.keys.ed25519.privateKey,
      "none: the user is root",
      () => look("credential-dialog"),
    );
    await fleet.selectAll(HOSTS.length);
    const dialog = await fleet.openBulkEdit();
    await dialog.getByLabel("Credential").selectOption("lab-root");
    await look("bulk-edit");
    await dialog.getByRole("button", { name: "Apply to all" }).click();
    await dialog.waitFor({ state: "detached" });
    await credentials.item("lab-root").getByText(`${HOSTS.length} nodes`).waitFor();
  });

  await step("checks run with the credential: the nodes log in, one check fails", async () => {
    await fleet.runChecksOnAll();
    for (const name of HOSTS)
      await fleet
        .row(name)
        .locator(`[data-testid="readiness-${name}"][data-state=failing]`)
        .waitFor();
    await (await fleet.check(CP, "ssh.auth")).getByText("logged in as root").waitFor();
    await (await fleet.check(CP, "os.init")).getByText(/neither systemd nor OpenRC/).waitFor();
    // the node says where its login comes from now
    const details = await fleet.details(CP);
    await details.getByText("key from credential lab-root").waitFor();
    // every piece of evidence open, as a person reading why a check failed would
    for (const evidence of await details.locator("details").all())
      await evidence.evaluate((d) => {
        (d as HTMLDetailsElement).open = true;
      });
    await look("fleet-checked");
  });

  await step("the plan uploads the k0s binary and says the apply will refuse", async () => {
    await page.goto(`${server.url}/runs`);
    const executable = await k0sStandinExecutable({ version: STANDIN_VERSION });
    const sha256 = await runs.uploadK0sBinary({
      name: "k0s-standin",
      buffer: Buffer.from(executable),
    });
    assert.match(sha256, /^[0-9a-f]{64}$/);
    await page
      .getByTestId("readiness-counts")
      .getByText(/3 failing/)
      .waitFor();
    await look("runs-page");
    await runs.plan(HOSTS.length);
    await runs.waitForStatus(/^(succeeded|failed)$/);
    assert.equal((await runs.status().textContent())?.trim(), "succeeded");
    // each node's summary says what the apply uploads there, and that it will refuse it
    for (const name of HOSTS) {
      const node = page.getByTestId(`plan-node-${name}`);
      await node.getByText(/^upload k0s · script · /).waitFor();
      await node.getByText("needs checks or an override").waitFor();
    }
    const prediction = page.getByTestId(`plan-prediction-${CP}`);
    await prediction.getByText(`The apply will refuse ${CP}: failing`).waitFor();
    await prediction
      .getByText(new RegExp(`^k0s binary: upload .*v${STANDIN_VERSION}\\+k0s\\.0`))
      .waitFor();
    await page
      .getByTestId("run-summary")
      .getByText(/The apply will refuse all of them: story-cp, story-w1, story-w2/)
      .waitFor();
    await look("plan");
  });

  await step("the apply asks to confirm, is refused by the check, overridden", async () => {
    const dialog = await runs.openApplyDialog(HOSTS.length);
    assert.match(
      (await dialog.getByTestId("apply-summary").textContent()) ?? "",
      new RegExp(`^\\d+ files change on ${HOSTS.length} nodes of ${HOSTS.length}:`),
    );
    await look("apply-confirmation");
    const planUrl = page.url();
    await dialog.getByRole("button", { name: `Apply to ${HOSTS.length} nodes` }).click();
    const refusal = page.getByTestId("readiness-refusal");
    for (const name of HOSTS)
      await refusal
        .getByTestId(`refused-${name}`)
        .getByText(/Init system/)
        .waitFor();
    assert.equal(page.url(), planUrl, "the refused apply started nothing");
    await look("apply-refused");
    await refusal.getByLabel("Why may these nodes be changed anyway?").fill(REASON);
    await refusal.getByRole("button", { name: "Override and apply" }).click();
    applyId = await runs.runId(new URL(planUrl).pathname.split("/").pop());
    await page.getByTestId("readiness-override").getByText(REASON).waitFor();
    await runs.waitForStatus(/^(succeeded|failed)$/);
    assert.equal((await runs.status().textContent())?.trim(), "succeeded");
  });

  await step("the cluster is up: the kubeconfig's server is the controller", async () => {
    const panel = page.getByTestId("cluster-up");
    const address = lab.host(CP).address;
    await panel.getByText(`https://${address}:6443`).waitFor();
    await look("cluster-up");
    const { text } = await runs.download(page.getByTestId(`kubeconfig-${CP}`));
    const servers = text.split("\n").filter((line) => /^\s*server:/.test(line));
    assert.deepEqual(servers, [`    server: https://${address}:6443`]);
    assert.doesNotMatch(text, /127\.0\.0\.1|localhost/);
    for (const name of HOSTS) {
      assert.ok(readStandinState(lab.host(name))?.running, `k0s runs on ${name}`);
    }
  });

  await step("the apply is rolled back as its dialog says", async () => {
    await page.goto(`${server.url}/runs`);
    await page.getByTestId("open-rollback").click();
    const dialog = page.getByTestId("rollback-dialog");
    const said = await rollbackItems(dialog.getByTestId(`rollback-node-${WORKER}`));
    assert.ok(said.remove.length > 0, "the apply created the mirror files");
    await dialog
      .getByTestId("rollback-scope")
      .getByText(/k0s stays as the apply left it/)
      .waitFor();
    await look("rollback-dialog");
    await dialog.getByRole("button", { name: `Roll back ${HOSTS.length} nodes` }).click();
    await runs.runId(applyId);
    await runs.waitForStatus(/^(succeeded|failed)$/);
    assert.equal((await runs.status().textContent())?.trim(), "succeeded");
    await look("rollback-run");
    for (const file of said.remove)
      assert.equal(await exists(WORKER, file), false, `${file} removed`);
    for (const file of said.restore)
      assert.equal(await exists(WORKER, file), true, `${file} restored`);
    // as the dialog said: k0s itself stays
    assert.ok(readStandinState(lab.host(CP))?.running, "k0s still runs on the controller");
  });

  await step("the apply's nodes are reset from its page: k0s is gone from the hosts", async () => {
    await page.goto(`${server.url}/runs/${applyId}`);
    await page.getByTestId("reset-run").click();
    const dialog = page.getByTestId("reset-dialog");
    const nodes = dialog.getByRole("list", { name: "Nodes to reset" });
    await nodes.waitFor();
    assert.deepEqual(await nodes.getByRole("listitem").allTextContents(), HOSTS);
    await dialog
      .getByTestId("reset-scope")
      .getByText(/so is the k0s binary/)
      .waitFor();
    await dialog
      .getByLabel(`Type ${HOSTS.length} to reset these ${HOSTS.length} nodes`)
      .fill(String(HOSTS.length));
    await look("reset-dialog");
    await dialog.getByRole("button", { name: `Reset ${HOSTS.length} nodes` }).click();
    await runs.runId(applyId);
    await runs.waitForStatus(/^(succeeded|failed)$/);
    assert.equal((await runs.status().textContent())?.trim(), "succeeded");
    await look("reset-run");
    for (const name of HOSTS) {
      assert.equal(readStandinState(lab.host(name)), undefined, `k0s reset on ${name}`);
      assert.equal(await exists(name, STANDIN_PATHS.defaultDataDir), false, `${name}: data gone`);
      assert.equal(await exists(name, STANDIN_PATHS.dropIns), false, `${name}: drop-ins gone`);
      // as the dialog said
      assert.equal(await exists(name, STANDIN_PATHS.binary), true, `${name}: the binary stays`);
    }
    // the apply's page no longer says the cluster is up
    await page.goto(`${server.url}/runs/${applyId}`);
    await page.getByTestId(`cluster-reset-${CP}`).waitFor();
    assert.equal(await page.getByTestId(`kubeconfig-${CP}`).count(), 0);
    await look("apply-after-reset");
  });
});

/** The files a rollback dialog says it restores and removes on one node. */
async function rollbackItems(item: Locator): Promise<{ restore: string[]; remove: string[] }> {
  await item.locator("li").first().waitFor();
  const lines = await item.locator("li").allTextContents();
  const paths = (verb: string) =>
    lines.filter((line) => line.startsWith(`${verb} `)).map((line) => line.slice(verb.length + 1));
  return { restore: paths("restore"), remove: paths("remove") };
}
