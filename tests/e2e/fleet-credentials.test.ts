/**
 * Credentials in the browser: one credential added on the Fleet page, an import (kind: cluster in
 * lower case, as k0sctl writes it) mapped to it, the nodes logging in with it, one rotation
 * changing them all, and a delete refused while nodes use it.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { consoleApi } from "./console-api";
import { CredentialsSection, type FleetPage, openFleetPage, stopFleetTest } from "./fleet-page";

const HOSTS = ["c-1", "c-2"];
const WRONG_PASSWORD = "not-the-password-9d1";

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let fleet: FleetPage;
let credentials: CredentialsSection;

const api = consoleApi(() => server);

/** ssh.auth of each host after a check run through the API */
async function authStatus(): Promise<string[]> {
  const body = (await api("POST", "/api/checks", { nodes: HOSTS })) as {
    results: { node: string; check: string; status: string }[];
  };
  return HOSTS.map(
    (name) => body.results.find((r) => r.node === name && r.check === "ssh.auth")?.status ?? "none",
  );
}

before(async () => {
  lab = await startSshLab({ hosts: HOSTS.map((name) => ({ name })) });
  server = await startConsole();
  await api("PUT", "/api/settings", {
    k0sVersion: "1.32.8",
    registries: ["registry.k8s.io"],
    mirror: { address: lab.registryAddress, scheme: "http" },
  });
  browser = await launchChromium();
  fleet = await openFleetPage(browser, server.url);
  credentials = new CredentialsSection(fleet.page);
});

after(() => stopFleetTest("credentials", { browser, server, lab }));

test("a credential is added on the Fleet page; its key is never shown again", async () => {
  await fleet.signIn(server.token);
  await fleet.page.getByText("No credentials yet.").waitFor();
  await credentials.addWithKey("lab-root", lab.keys.ed25519.privateKey, "none: the user is root");
  const item = credentials.item("lab-root");
  await item.getByText("private key · none: the user is root").waitFor();
  await item.getByText("0 nodes").waitFor();
  const html = await fleet.page.content();
  assert.ok(!html.includes(lab.keys.ed25519.privateKey.split("\n")[1] ?? "?"));
  await assertAccessible(fleet.page, "the fleet page with a credential");
});

test("an import of kind: cluster maps every row to the credential; the nodes log in with it", async () => {
  const hosts = HOSTS.map(
    (name) =>
      `  - role: worker\n    hostname: ${name}\n    ssh:\n      address: ${lab.host(name).address}\n      keyPath: ~/.ssh/id_ed25519\n`,
  );
  const yaml = `apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: cluster\nspec:\n  hosts:\n${hosts.join("")}`;
  await fleet.page.getByLabel("Login for every row").selectOption({ label: "credential lab-root" });
  const preview = await fleet.preview(yaml);
  await fleet.page.getByText(`Read as k0sctl: ${HOSTS.length} rows.`).waitFor();
  assert.equal(await preview.getByText("access from credential lab-root").count(), HOSTS.length);
  await fleet.confirmImport(HOSTS.length);
  await credentials.item("lab-root").getByText(`${HOSTS.length} nodes`).waitFor();

  for (const name of HOSTS) {
    await api("POST", `/api/nodes/${name}/trust`, { fingerprint: lab.host(name).fingerprint });
  }
  assert.deepEqual(await authStatus(), ["pass", "pass"]);
});

test("the node form shows the credential instead of a login of its own", async () => {
  await fleet.row("c-1").getByRole("button", { name: "Edit c-1" }).click();
  const form = fleet.page.getByTestId("node-form");
  assert.equal(await form.getByLabel("Credential").inputValue(), "lab-root");
  assert.equal(await form.getByLabel("Authentication").count(), 0);
  await assertAccessible(fleet.page, "the node form with a credential");
  await form.getByRole("button", { name: "Cancel" }).click();
});

test("one rotation changes every node using it", async () => {
  const form = await credentials.openRotate("lab-root");
  await form.getByText(`The ${HOSTS.length} nodes using it change with it.`).waitFor();
  await assertAccessible(fleet.page, "the rotate credential dialog");
  await form.getByRole("button", { name: "Cancel" }).click();
  await credentials.rotateToPassword("lab-root", WRONG_PASSWORD);
  await credentials.item("lab-root").getByText("password · none: the user is root").waitFor();
  assert.deepEqual(await authStatus(), ["fail", "fail"]);
});

test("a credential in use cannot be deleted: the refusal names its nodes", async () => {
  await fleet.page.getByRole("button", { name: "Delete lab-root" }).click();
  const dialog = fleet.page.getByTestId("credential-delete");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await dialog.getByText(/is used by 2 nodes \(c-1, c-2\)/).waitFor();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await credentials.item("lab-root").waitFor();
});
