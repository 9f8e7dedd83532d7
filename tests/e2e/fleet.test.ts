import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Locator } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { seedWithK0sImages } from "../lab/k0s-seed";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { FleetPage } from "./fleet-page";

const HOSTS = [
  { name: "cp-1", role: "controller+worker" },
  { name: "w-1", role: "worker" },
  { name: "w-2", role: "worker" },
];
/** keyed and trusted through the API; cp-1 goes through the UI */
const OTHERS = HOSTS.slice(1).map(({ name }) => name);
/** its connections to the registry port are rejected */
const CUT_OFF = "w-2";
const KEY_NOTE = "keyPath ~/.ssh/id_ed25519: upload the key or set CONSOLE_SSH_KEYS_DIR";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let fleet: FleetPage;

/** An API call with the console token; JSON unless the body is text. */
async function api(method: string, route: string, body: unknown): Promise<void> {
  const json = typeof body !== "string";
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      ...(json ? { "content-type": "application/json" } : {}),
    },
    body: json ? JSON.stringify(body) : body,
  });
  assert.ok(response.ok, `${method} ${route}: ${response.status} ${await response.text()}`);
}

/** The cluster a user would import: the lab hosts by address, keys left on "their" machine. */
function k0sctlYaml(): string {
  const hosts = HOSTS.map(
    ({ name, role }) => `    - role: ${role}
      hostname: ${name}
      ssh:
        address: ${lab.host(name).address}
        user: root
        port: 22
        keyPath: ~/.ssh/id_ed25519
`,
  );
  return `apiVersion: k0sctl.k0sproject.io/v1beta1
kind: Cluster
metadata:
  name: lab
spec:
  hosts:
${hosts.join("")}  k0s:
    version: v1.32.8+k0s.0
`;
}

/** Matches `text` anywhere, case-sensitively (fingerprints are base64). */
const literal = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

/** The node's latest result of `check`, asserted to have `status` (its text in the message). */
async function expectCheck(node: string, check: string, status: string): Promise<Locator> {
  const item = await fleet.check(node, check);
  const shown = await item.getAttribute("data-status");
  assert.equal(shown, status, `${node} ${check}: ${await item.textContent()}`);
  return item;
}

before(async () => {
  lab = await startSshLab({
    hosts: HOSTS.map(({ name }) => ({ name })),
    seed: seedWithK0sImages("1.32.8"),
  });
  await lab.blockPort(CUT_OFF, 5000, { direction: "out" });
  server = await startConsole();
  await api("PUT", "/api/settings", {
    k0sVersion: "1.32.8",
    registries: ["registry.k8s.io", "quay.io", "docker.io"],
    mirror: { address: lab.registryAddress, scheme: "http" },
  });
  await api("POST", "/api/catalog", "registry.k8s.io/pause:3.9\nquay.io/calico/node:v3.29.4\n");
  browser = await launchChromium();
  const page = await browser.newPage();
  page.setDefaultTimeout(60_000);
  fleet = new FleetPage(page, server.url);
});

after(async () => {
  // in this order, each one even when the one before it failed
  const errors: unknown[] = [];
  for (const stop of [() => browser?.close(), () => server?.stop(), () => lab?.stop()]) {
    try {
      await stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, "cleaning up the fleet e2e test");
});

test("import a k0sctl.yaml: a preview first, then the nodes in the fleet table", async () => {
  await fleet.signIn(server.token);
  const preview = await fleet.preview(k0sctlYaml());
  await fleet.page.getByText(`Read as k0sctl: ${HOSTS.length} rows.`).waitFor();
  const rows = preview.locator("tbody tr");
  assert.equal(await rows.count(), HOSTS.length);
  for (const { name } of HOSTS) {
    const row = rows.filter({ has: fleet.page.getByRole("cell", { name, exact: true }) });
    await row.getByText(lab.host(name).address, { exact: true }).waitFor();
    await row.getByText(KEY_NOTE).waitFor();
  }

  await fleet.confirmImport(HOSTS.length);
  for (const { name, role } of HOSTS) {
    await fleet
      .row(name)
      .getByText(`root@${lab.host(name).address}:22`, { exact: true })
      .waitFor();
    await fleet.row(name).getByRole("cell", { name: role, exact: true }).waitFor();
  }
});

test("the nodes get their key: cp-1 through the edit form, the others through the API", async () => {
  const details = await fleet.details("cp-1");
  await details.getByText("(nothing stored yet)").waitFor();
  await fleet.setPrivateKey("cp-1", lab.keys.ed25519.privateKey);
  await details.getByText("(nothing stored yet)").waitFor({ state: "detached" });

  for (const name of OTHERS) {
    await api("PATCH", `/api/nodes/${name}`, {
      auth: { kind: "key", privateKey: lab.keys.ed25519.privateKey },
    });
  }
});

test("first run: cp-1's unknown host key is shown with its fingerprint, then trusted", async () => {
  await fleet.runChecksOnAll();
  const { fingerprint } = lab.host("cp-1");
  const hostKey = await expectCheck("cp-1", "ssh.host-key", "fail");
  await hostKey
    .getByText(literal(`presents an unknown ssh-ed25519 host key ${fingerprint}`))
    .waitFor();

  const details = await fleet.details("cp-1");
  const box = details.getByTestId("host-key-unknown");
  await box.getByText(`ssh-ed25519 ${fingerprint}`, { exact: true }).waitFor();
  await box.getByTestId("trust-host-key").click();
  await box.waitFor({ state: "detached" });
  await details.getByText("The host key was trusted after these results.").waitFor();
  await details.getByText(`ssh-ed25519 ${fingerprint}`, { exact: true }).waitFor();

  for (const name of OTHERS) {
    await api("POST", `/api/nodes/${name}/trust`, { fingerprint: lab.host(name).fingerprint });
  }
});

test("second run: cp-1 gets through, and w-2's registry failure is explained", async () => {
  await fleet.runChecksOnAll();
  await expectCheck("cp-1", "ssh.host-key", "pass");
  await expectCheck("cp-1", "registry.images", "pass");
  await expectCheck("w-1", "registry.reachable", "pass");

  const registry = await expectCheck(CUT_OFF, "registry.reachable", "fail");
  // a run that found failures is never reported in green
  const notice = fleet.page.getByTestId("fleet-notice");
  assert.match((await notice.textContent()) ?? "", /with failures/);
  assert.equal(await notice.getAttribute("data-kind"), "warn");
  await registry.getByText(literal(`the node cannot reach ${lab.registryAddress}: `)).waitFor();
  const evidence = registry.locator("details pre");
  assert.equal(await evidence.isVisible(), false, "the evidence starts folded");
  await registry.getByText("Evidence", { exact: true }).click();
  await evidence.waitFor();
  assert.equal((await evidence.textContent())?.trim(), `GET http://${lab.registryAddress}/v2/`);
  await assertAccessible(fleet.page, "the fleet page with check results");
});
