import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { waitFor } from "../lab/wait";
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

test("before its script has loaded, the sign-in form posts natively: no token in any URL", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const bare = await context.newPage();
  const visited: string[] = [];
  bare.on("framenavigated", (frame) => visited.push(frame.url()));
  await bare.goto(`${server.url}/signin`);
  await bare.getByLabel("Console token").fill("not-the-token");
  await bare.getByRole("button", { name: "Sign in" }).click();
  await bare.waitForURL(`${server.url}/signin?failed=token`);
  await bare.getByText("That is not the console token.").waitFor();
  await bare.getByLabel("Console token").fill(server.token);
  await bare.getByRole("button", { name: "Sign in" }).click();
  await bare.waitForURL(`${server.url}/`);
  assert.ok((await context.cookies()).some((cookie) => cookie.name === "console_session"));
  assert.ok(!visited.some((url) => url.includes(server.token)), visited.join(" "));
  assert.ok(!visited.some((url) => url.includes("not-the-token")), visited.join(" "));
  await context.close();
});

test("sign in, upload a catalog, see its registries, preview the fleet's nodes, download the zip", async () => {
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

  // an empty fleet previews a sample node
  await page.getByTestId("sample-node").waitFor();

  // the preview, the zip, plans and applies render the fleet's own nodes
  await addNode({ name: "cp-1", role: "controller+worker" });
  await addNode({ name: "w-1", role: "worker", registryAddress: "10.0.0.6:5000" });
  await page.reload();
  await page.getByLabel("Registry address (host:port)").fill("10.0.0.5:5000");
  const nodeChoice = page.getByLabel("Node", { exact: true });
  await nodeChoice.locator("option", { hasText: "w-1 (worker)" }).waitFor({ state: "attached" });
  assert.deepEqual(await nodeChoice.locator("option").allTextContents(), [
    "cp-1 (controller+worker)",
    "w-1 (worker)",
  ]);

  const files = page.getByTestId("file-list");
  await files.getByText("/etc/k0s/containerd.d/certs.d/ghcr.io/hosts.toml").click();
  const code = page.getByTestId("code-view");
  await code.getByText('[host."http://10.0.0.5:5000"]').waitFor();
  await assertAccessible(page, "the config page with a preview");
  await nodeChoice.selectOption("w-1");
  await files.getByText("/etc/k0s/containerd.d/certs.d/ghcr.io/hosts.toml").click();
  await code.getByText('[host."http://10.0.0.6:5000"]').waitFor();

  // An error appears in place, and the last good preview stays.
  await page.getByLabel("Registry address (host:port)").fill("http://10.0.0.5:5000");
  await page.getByRole("alert").filter({ hasText: "has a scheme" }).first().waitFor();
  await page.getByLabel("Registry address (host:port)").fill("10.0.0.5:5000");
  await page.getByTestId("render-error").waitFor({ state: "detached" });

  const zip = await downloadZip("download-zip");
  const names = Object.keys(zip);
  assert.ok(names.includes("cp-1/etc/k0s/containerd.d/cri-registry.toml"), names.join("\n"));
  assert.ok(names.includes("w-1/etc/k0s/containerd.d/certs.d/ghcr.io/hosts.toml"));
  assert.ok(names.includes("manifest.json"));
  const manifest = JSON.parse(new TextDecoder().decode(zip["manifest.json"]));
  assert.deepEqual(
    manifest.nodes.map((node: { name: string; role: string }) => [node.name, node.role]),
    [
      ["cp-1", "controller+worker"],
      ["w-1", "worker"],
    ],
  );
  // the zip holds what the API renders for the fleet (what plans and applies write)
  const rendered = (await (await api("/api/fleet/render?node=w-1")).json()) as {
    nodes: { files: { path: string; content: string }[] }[];
  };
  for (const file of rendered.nodes[0]?.files ?? []) {
    const zipped = zip[`w-1/${file.path.replace(/^\/+/, "")}`];
    assert.equal(new TextDecoder().decode(zipped), file.content, file.path);
  }

  const one = Object.keys(await downloadZip("download-node-zip"));
  assert.ok(one.includes("w-1/etc/k0s/containerd.d/cri-registry.toml"), one.join("\n"));
  assert.ok(!one.some((name) => name.startsWith("cp-1/")), one.join("\n"));
});

function api(route: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
  });
}

let nodesAdded = 0;
/** A node of the fleet (nobody listens on its port: only its files are used here). */
async function addNode(node: { name: string; role: string; registryAddress?: string }) {
  nodesAdded += 1;
  const body = {
    ...node,
    address: "127.0.0.1",
    port: 1000 + nodesAdded,
    user: "root",
    auth: { kind: "agent" },
    sudo: { mode: "none" },
  };
  const response = await api("/api/nodes", { method: "POST", body: JSON.stringify(body) });
  assert.equal(response.status, 201, await response.text());
}

async function downloadZip(testId: string): Promise<Record<string, Uint8Array>> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId(testId).click(),
  ]);
  return unzipSync(readFileSync((await download.path()) ?? ""));
}

test("catalogs accumulate: a second adds its registries, removing one takes only its own", async () => {
  await page.goto(server.url);
  const sources = page.getByTestId("catalog-sources");
  await sources.getByText("images.txt", { exact: true }).waitFor();
  await uploadCatalog("extra.txt", "registry.example.net:5000/team/tool:1.0\nghcr.io/acme/api:2\n");
  await sources.getByText("extra.txt", { exact: true }).waitFor();
  const registries = page.getByTestId("registry-list");
  const registry = (host: string) => registries.getByText(host, { exact: true });
  await registry("registry.example.net:5000").waitFor();
  await registry("docker.io").waitFor(); // the first catalog's, still there
  await assertAccessible(page, "the config page with two catalogs");
  const union = (await (await api("/api/catalog/sources")).json()) as {
    sources: { name: string }[];
    catalog: { registries: { host: string }[] };
  };
  assert.deepEqual(
    union.sources.map((source) => source.name),
    ["images.txt", "extra.txt"],
  );
  const hosts = union.catalog.registries.map((entry) => entry.host);
  assert.ok(hosts.includes("docker.io") && hosts.includes("registry.example.net:5000"), `${hosts}`);

  await page.getByRole("button", { name: "Remove catalog images.txt" }).click();
  await registry("docker.io").waitFor({ state: "detached" });
  await registry("ghcr.io").waitFor(); // extra.txt brings it too
  await registry("registry.example.net:5000").waitFor();
  await waitFor(
    "the fleet's registries to be saved without docker.io",
    async () => {
      const stored = (await (await api("/api/settings")).json()) as { registries: string[] };
      return !stored.registries.includes("docker.io") && stored.registries.includes("ghcr.io");
    },
    { timeoutMs: 10_000 },
  );

  // replacing is a choice made explicitly
  await page.getByLabel("Replace the catalog already loaded").check();
  await uploadCatalog("images.txt", readFileSync(FIXTURE, "utf8"));
  await registry("registry.example.net:5000").waitFor({ state: "detached" });
  await registry("docker.io").waitFor();
  assert.equal(await sources.getByRole("listitem").count(), 1);
});

const FIXTURE = path.join(__dirname, "..", "fixtures", "catalogs", "images.txt");

async function uploadCatalog(name: string, content: string) {
  const reading = page.getByRole("button", { name: `Reading ${name}…` });
  await page
    .getByTestId("catalog-input")
    .setInputFiles({ name, mimeType: "text/plain", buffer: Buffer.from(content) });
  await reading.waitFor({ state: "detached" });
}

test("clear input: fields check as the API does, by their labels, all at once", async () => {
  await page.goto(server.url);
  const add = page.getByLabel("Registry to add");
  await add.fill("http://ghcr.io");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const addError = page.locator("#registry-add-error");
  await addError.waitFor();
  assert.match((await addError.textContent()) ?? "", /^Registry to add: .*scheme/);
  assert.equal(await page.getByTestId("registry-list").getByText("http://ghcr.io").count(), 0);
  await assertAccessible(page, "the config page with a field error");

  await page.getByLabel("Registry address (host:port)").fill("reg.lan:99999");
  const addressError = page.locator("#mirror-address-error");
  await addressError.waitFor();
  assert.match((await addressError.textContent()) ?? "", /port 99999 is not a port number/);
  const banner = page.getByTestId("render-error");
  assert.match((await banner.textContent()) ?? "", /^Not saved .*Registry address: /);
  assert.equal(
    await page.getByText("No known pitfalls").count(),
    0,
    "no all-clear beside an error",
  );
  await page.getByLabel("Registry address (host:port)").fill("10.0.0.5:5000");
  await banner.waitFor({ state: "detached" });
});
