/**
 * Bulk operations in the fleet table: select many (and every node the filter matches), trust the
 * host keys they presented at once after reviewing the fingerprints, pin one from a pasted
 * known_hosts, edit role and labels of many, and remove many with one confirmation.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { assertAccessible } from "./axe";
import { launchChromium } from "./browser";
import { consoleApi } from "./console-api";
import { type FleetPage, openFleetPage, stopFleetTest } from "./fleet-page";

const HOSTS = ["b-1", "b-2", "b-3"];

let lab: SshLab;
let server: RunningConsole;
let browser: Browser;
let fleet: FleetPage;

const api = consoleApi(() => server);

const node = async (name: string) =>
  ((await api("GET", `/api/nodes/${name}`)) as { node: Record<string, unknown> }).node;

before(async () => {
  lab = await startSshLab({ hosts: HOSTS.map((name) => ({ name })) });
  server = await startConsole();
  await api("PUT", "/api/settings", {
    k0sVersion: "1.32.8",
    registries: ["registry.k8s.io"],
    mirror: { address: lab.registryAddress, scheme: "http" },
  });
  for (const name of [...HOSTS, "gone-1", "gone-2"]) {
    // the others: nothing listens on loopback ports 1 and 2, a check fails at once
    const inLab = HOSTS.includes(name);
    await api("POST", "/api/nodes", {
      name,
      address: inLab ? lab.host(name).address : "127.0.0.1",
      port: inLab ? 22 : Number(name.at(-1)),
      role: "worker",
      labels: { rack: "r1" },
      auth: { kind: "key", privateKey: lab.keys.ed25519.privateKey },
    });
  }
  browser = await launchChromium();
  fleet = await openFleetPage(browser, server.url);
});

after(() => stopFleetTest("bulk", { browser, server, lab }));

test("the presented host keys are reviewed and trusted at once", async () => {
  await fleet.signIn(server.token);
  await fleet.runChecksOnAll();
  await fleet.page.getByLabel("Filter nodes").fill("b-");
  await fleet.page.getByLabel("Select b-1").check();
  const bar = fleet.page.getByRole("toolbar", { name: "Selected nodes" });
  await bar.getByText("1 selected").waitFor();
  await bar.getByRole("button", { name: "Select all 3 matching" }).click();
  await bar.getByText("3 selected").waitFor();
  await assertAccessible(fleet.page, "the fleet page with nodes selected");
  // b-3's key comes from a known_hosts below: leave it out of this one
  await fleet.page.getByLabel("Select b-3").uncheck();
  await bar.getByRole("button", { name: "Trust host keys…" }).click();
  const dialog = fleet.page.getByTestId("bulk-trust");
  for (const name of ["b-1", "b-2"]) {
    await dialog.getByTestId(`trust-${name}`).getByText(lab.host(name).fingerprint).waitFor();
  }
  await assertAccessible(fleet.page, "the bulk trust dialog");
  await dialog.getByRole("button", { name: "Trust 2 keys" }).click();
  await dialog.waitFor({ state: "detached" });
  for (const name of ["b-1", "b-2"]) {
    assert.equal(
      ((await node(name)).hostKey as { fingerprint: string } | null)?.fingerprint,
      lab.host(name).fingerprint,
    );
  }
});

test("a pasted known_hosts pins the key of a node it lists", async () => {
  const host = lab.host("b-3");
  const publicKey = host.hostPublicKey.split(/\s+/);
  await fleet.page.getByRole("button", { name: "Clear selection" }).click();
  await fleet.page.getByLabel("Select b-3").check();
  await fleet.page.getByRole("button", { name: "Pin from known_hosts…" }).click();
  const dialog = fleet.page.getByTestId("bulk-known-hosts");
  await dialog
    .getByLabel("known_hosts lines")
    .fill(`${host.address} ${publicKey[0]} ${publicKey[1]}\n`);
  await dialog.getByRole("button", { name: "Pin keys" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(
    ((await node("b-3")).hostKey as { fingerprint: string } | null)?.fingerprint,
    host.fingerprint,
  );
});

test("role and labels of many nodes change in one edit", async () => {
  await fleet.page.getByRole("button", { name: "Select all 3 matching" }).click();
  await fleet.page.getByRole("button", { name: "Edit…" }).click();
  const dialog = fleet.page.getByTestId("bulk-edit");
  await dialog.getByLabel("Role").selectOption("controller");
  await dialog.getByLabel("Labels to set (key=value, separated by ;)").fill("zone=b");
  await assertAccessible(fleet.page, "the bulk edit dialog");
  await dialog.getByRole("button", { name: "Apply to all" }).click();
  await dialog.waitFor({ state: "detached" });
  for (const name of HOSTS) {
    const shown = await node(name);
    assert.deepEqual([shown.role, shown.labels], ["controller", { rack: "r1", zone: "b" }]);
  }
  assert.equal((await node("gone-1")).role, "worker", "not selected: unchanged");
});

test("filtered by trust (with counts), many nodes are removed with one confirmation", async () => {
  await fleet.page.getByRole("button", { name: "Clear selection" }).click();
  await fleet.page.getByLabel("Filter nodes").fill("");
  // the lab hosts' keys are trusted by now: the other two are the untrusted ones
  await fleet.page.getByRole("button", { name: "Role: worker (2)" }).waitFor();
  await fleet.page.getByRole("button", { name: "Host key: Not trusted (2)" }).click();
  await assertAccessible(fleet.page, "the fleet page filtered by trust");
  await fleet.page.getByLabel("Select all shown nodes").check();
  await fleet.page.getByRole("button", { name: "Remove 2…" }).click();
  const dialog = fleet.page.getByTestId("bulk-remove");
  await dialog.getByText("gone-1, gone-2").waitFor();
  await dialog.getByRole("button", { name: "Remove 2" }).click();
  await dialog.waitFor({ state: "detached" });
  const { nodes } = (await api("GET", "/api/nodes")) as { nodes: { name: string }[] };
  assert.deepEqual(
    nodes.map((item) => item.name),
    HOSTS,
  );
});
