import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { unzipSync } from "fflate";
import { type RunningConsole, startConsole } from "../lab/console-server";

let console_: RunningConsole;
before(async () => {
  console_ = await startConsole();
});
after(async () => {
  await console_?.stop();
});

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "..", "fixtures", "catalogs", name));
const renderBody = {
  k0sVersion: "1.32.8",
  registries: ["registry.k8s.io", "quay.io", "docker.io"],
  mirror: { address: "10.0.0.5:5000", scheme: "http" },
  nodes: [
    { name: "cp-1", role: "controller+worker", registryAddress: "127.0.0.1:5000" },
    { name: "w-1", role: "worker" },
  ],
};

function call(route: string, init: RequestInit & { auth?: boolean } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set("authorization", `Bearer ${console_.token}`);
  return fetch(`${console_.url}${route}`, { ...init, headers });
}

describe("access", () => {
  test("health needs no token", async () => {
    const response = await call("/api/health", { auth: false });
    assert.equal(response.status, 200);
  });

  for (const [method, route] of [
    ["POST", "/api/catalog"],
    ["GET", "/api/catalog/sources"],
    ["DELETE", "/api/catalog/sources/1"],
    ["POST", "/api/render"],
    ["GET", "/api/fleet/render"],
    ["GET", "/api/fleet/render?format=zip"],
    ["GET", "/api/nodes"],
    ["POST", "/api/nodes"],
    ["GET", "/api/nodes/x"],
    ["PATCH", "/api/nodes/x"],
    ["DELETE", "/api/nodes/x"],
    ["POST", "/api/nodes/x/duplicate"],
    ["POST", "/api/nodes/x/trust"],
    ["POST", "/api/nodes/import"],
    ["GET", "/api/nodes/export?format=csv"],
    ["GET", "/api/checks"],
    ["POST", "/api/checks"],
    ["POST", "/api/checks/overrides"],
    ["GET", "/api/checks/readiness"],
    ["GET", "/api/settings"],
    ["PUT", "/api/settings"],
    ["GET", "/api/runs"],
    ["POST", "/api/runs"],
    ["GET", "/api/runs/x"],
    ["GET", "/api/runs/x/log"],
    ["GET", "/api/runs/x/events"],
  ] as const) {
    test(`${method} ${route} without the token is 401`, async () => {
      const body = method === "GET" ? undefined : "x";
      const response = await call(route, { method, auth: false, body });
      assert.equal(response.status, 401);
      assert.match((await response.json()).error, /Bearer/);
    });
    test(`${method} ${route} with a wrong token is 401`, async () => {
      const body = method === "GET" ? undefined : "x";
      const headers = { authorization: "Bearer wrong" };
      const response = await call(route, { method, auth: false, body, headers });
      assert.equal(response.status, 401);
    });
  }

  test("a state-changing request from another origin is refused even with the token", async () => {
    const response = await call("/api/render", {
      method: "POST",
      body: JSON.stringify(renderBody),
      headers: { origin: "http://evil.example", "content-type": "application/json" },
    });
    assert.equal(response.status, 403);
  });

  test("the page redirects to sign-in without a session", async () => {
    const response = await fetch(`${console_.url}/`, { redirect: "manual" });
    assert.equal(response.status, 307);
    assert.match(response.headers.get("location") ?? "", /\/signin$/);
  });
});

describe("POST /api/catalog", () => {
  test("a plain list: normalised refs, registries with counts, rejected lines with their number", async () => {
    const body =
      "# k0s\nquay.io/k0sproject/coredns:1.12.2\r\nnginx:1.27.3\n\n  registry.k8s.io/pause:3.9  \nNot/Valid:ref\nquay.io/k0sproject/kube-proxy:v1.32.8\n";
    const response = await call("/api/catalog", { method: "POST", body });
    assert.equal(response.status, 200);
    const result = await response.json();
    assert.equal(result.format, "plain-list");
    assert.deepEqual(
      result.images.map((image: { ref: string; line: number }) => [image.ref, image.line]),
      [
        ["quay.io/k0sproject/coredns:1.12.2", 2],
        ["docker.io/library/nginx:1.27.3", 3],
        ["registry.k8s.io/pause:3.9", 5],
        ["quay.io/k0sproject/kube-proxy:v1.32.8", 7],
      ],
    );
    assert.deepEqual(result.registries, [
      { host: "docker.io", images: 1 },
      { host: "quay.io", images: 2 },
      { host: "registry.k8s.io", images: 1 },
    ]);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].line, 6);
    assert.equal(result.errors[0].input, "Not/Valid:ref");
  });

  test("an OCI index from k0s airgap bundle-artifacts", async () => {
    const response = await call("/api/catalog", {
      method: "POST",
      body: fixture("oci-index.k0s-bundle-artifacts.json"),
    });
    assert.equal(response.status, 200);
    const result = await response.json();
    assert.equal(result.format, "oci-index");
    assert.ok(result.images.length > 5);
  });

  test("something that is not a catalog is one clear 400", async () => {
    const response = await call("/api/catalog", {
      method: "POST",
      body: "<html><body>login</body></html>",
    });
    assert.equal(response.status, 400);
    assert.match((await response.json()).error, /catalog/i);
  });

  test("a text catalog past the documented limit is 413", async () => {
    const line = "quay.io/k0sproject/coredns:1.12.2\n";
    const response = await call("/api/catalog", {
      method: "POST",
      body: line.repeat(Math.ceil((33 * 1024 ** 2) / line.length)),
    });
    assert.equal(response.status, 413);
    assert.match((await response.json()).error, /limit|large/i);
  });
});

describe("POST /api/render", () => {
  test("JSON: files per node, with mode and sha256", async () => {
    const response = await call("/api/render", {
      method: "POST",
      body: JSON.stringify(renderBody),
    });
    assert.equal(response.status, 200);
    const result = await response.json();
    assert.deepEqual(
      result.nodes.map((node: { name: string }) => node.name),
      ["cp-1", "w-1"],
    );
    const paths = result.nodes[0].files.map((file: { path: string }) => file.path);
    assert.ok(paths.includes("/etc/k0s/containerd.d/cri-registry.toml"));
    assert.ok(paths.includes("/etc/k0s/containerd.d/certs.d/docker.io/hosts.toml"));
    assert.ok(Array.isArray(result.warnings));
  });

  test("a bad field is a 400 that names it", async () => {
    const bad = { ...renderBody, mirror: { ...renderBody.mirror, address: "../../etc" } };
    const response = await call("/api/render", { method: "POST", body: JSON.stringify(bad) });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.match(body.error, /^Registry address: /, "named by its label");
    assert.equal(body.details.field, "mirror.address");
  });

  test("a body that is not JSON is a 400", async () => {
    const response = await call("/api/render", { method: "POST", body: "{nope" });
    assert.equal(response.status, 400);
  });

  for (const [how, route, headers] of [
    ["?format=zip", "/api/render?format=zip", {}],
    ["Accept: application/zip", "/api/render", { accept: "application/zip" }],
  ] as const) {
    test(`${how} streams a zip of the same files`, async () => {
      const response = await call(route, {
        method: "POST",
        body: JSON.stringify(renderBody),
        headers,
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/zip");
      assert.match(
        response.headers.get("content-disposition") ?? "",
        /attachment; filename=".+\.zip"/,
      );
      const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
      assert.ok(entries["cp-1/etc/k0s/containerd.d/cri-registry.toml"]);
      assert.ok(entries["w-1/etc/k0s/containerd.d/certs.d/quay.io/hosts.toml"]);
      assert.ok(entries["manifest.json"] && entries["README.md"] && entries.SHA256SUMS);
    });
  }
});

describe("inventory and settings over the API", () => {
  const secret =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-material-never-returned\n-----END OPENSSH PRIVATE KEY-----\n";

  test("a node is created, read back without its secret, patched, duplicated and removed", async () => {
    const created = await call("/api/nodes", {
      method: "POST",
      body: JSON.stringify({
        name: "cp-1",
        address: "10.0.0.11",
        role: "controller",
        auth: { kind: "key", privateKey: secret },
      }),
    });
    assert.equal(created.status, 201);
    const listed = await (await call("/api/nodes")).text();
    assert.ok(!listed.includes("secret-material"), "the key never comes back");
    assert.match(listed, /"hasSecret":true/);
    const patched = await call("/api/nodes/cp-1", {
      method: "PATCH",
      body: JSON.stringify({ role: "controller+worker" }),
    });
    assert.equal((await patched.json()).node.role, "controller+worker");
    const copy = await call("/api/nodes/cp-1/duplicate", {
      method: "POST",
      body: JSON.stringify({ name: "cp-2", address: "10.0.0.12" }),
    });
    assert.equal(copy.status, 201);
    assert.equal((await copy.json()).node.auth.hasSecret, true);
    assert.equal((await call("/api/nodes/cp-2", { method: "DELETE" })).status, 204);
    assert.equal((await call("/api/nodes/cp-2")).status, 404);
  });

  test("a bad node is a 400 naming the field; a duplicate name is a 409", async () => {
    const bad = await call("/api/nodes", {
      method: "POST",
      body: JSON.stringify({ name: "../x", address: "10.0.0.1", role: "worker" }),
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).details.field, "name");
    const again = await call("/api/nodes", {
      method: "POST",
      body: JSON.stringify({ name: "cp-1", address: "10.0.0.1", role: "worker" }),
    });
    assert.equal(again.status, 409);
  });

  test("import previews without saving, then saves the valid rows", async () => {
    const content = "name,address,role\nw-1,10.0.0.21,worker\nw-2,not an address!,worker\n";
    const preview = await (
      await call("/api/nodes/import", { method: "POST", body: JSON.stringify({ content }) })
    ).json();
    assert.equal(preview.format, "csv");
    assert.deepEqual(
      preview.rows.map((row: { line: number; errors: string[] }) => [
        row.line,
        row.errors.length > 0,
      ]),
      [
        [2, false],
        [3, true],
      ],
    );
    assert.equal((await call("/api/nodes/w-1")).status, 404, "a preview saves nothing");
    const saved = await (
      await call("/api/nodes/import", {
        method: "POST",
        body: JSON.stringify({ content, confirm: true }),
      })
    ).json();
    assert.deepEqual(saved.created, ["w-1"]);
    assert.equal((await call("/api/nodes/w-1")).status, 200);
  });

  test("the k0sctl export carries the rendered mirror files", async () => {
    const response = await call("/api/nodes/export?format=k0sctl");
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /kind: Cluster/);
    assert.match(text, /\/etc\/k0s\/containerd\.d\/cri-registry\.toml/);
    assert.ok(!text.includes("secret-material"));
  });

  test("settings are validated by rendering before they are stored", async () => {
    const bad = await call("/api/settings", {
      method: "PUT",
      body: JSON.stringify({
        k0sVersion: "1.32.8",
        registries: ["quay.io"],
        mirror: { address: "http://x:5000", scheme: "http" },
      }),
    });
    assert.equal(bad.status, 400);
    const good = await call("/api/settings", {
      method: "PUT",
      body: JSON.stringify({
        k0sVersion: "1.36.1",
        registries: ["quay.io"],
        mirror: { address: "10.0.0.5:5000", scheme: "http" },
      }),
    });
    assert.equal(good.status, 200);
    const settings = await (await call("/api/settings")).json();
    assert.equal(settings.k0sVersion, "1.36.1");
    assert.equal(settings.catalog?.format, "oci-index", "the last catalog posted is kept");
  });
});

describe("runs over the API", () => {
  test("a plan for a node the inventory lacks is a 404 and starts nothing", async () => {
    const response = await call("/api/runs", {
      method: "POST",
      body: JSON.stringify({ action: "plan", nodes: ["no-such-node"] }),
    });
    assert.equal(response.status, 404);
    assert.match((await response.json()).error, /no-such-node/);
    assert.deepEqual((await (await call("/api/runs")).json()).runs, []);
  });

  test("an unknown run is a 404 on every run route", async () => {
    for (const route of ["/api/runs/nope", "/api/runs/nope/log", "/api/runs/nope/events"]) {
      assert.equal((await call(route)).status, 404, route);
    }
  });
});
