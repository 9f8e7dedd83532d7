import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { RenderInputError, render } from "@/lib/render";
import type { RenderInput, RenderResult } from "@/lib/render/types";

const base: RenderInput = {
  k0sVersion: "1.32.8",
  registries: ["registry.k8s.io", "quay.io", "docker.io"],
  mirror: { address: "10.0.0.5:5000", scheme: "http" },
};

/** smol-toml returns null-prototype objects; compare plain ones. */
function parse(content: string) {
  return JSON.parse(JSON.stringify(parseToml(content))) as Record<string, unknown>;
}

function fileOf(result: RenderResult, path: string, node = 0) {
  const file = result.nodes[node]?.files.find((candidate) => candidate.path === path);
  assert.ok(file, `no ${path} in ${result.nodes[node]?.files.map((f) => f.path).join(", ")}`);
  return file;
}

function hostsOf(result: RenderResult, registry: string, node = 0) {
  return parse(
    fileOf(result, `/etc/k0s/containerd.d/certs.d/${registry}/hosts.toml`, node).content,
  );
}

describe("the CRI drop-in follows the k0s version", () => {
  for (const [version, expectedVersion, plugin] of [
    ["1.32.8", 2, "io.containerd.grpc.v1.cri"],
    ["v1.35.7+k0s.0", 2, "io.containerd.grpc.v1.cri"],
    ["1.36.1", 3, "io.containerd.cri.v1.images"],
    ["v1.36.3+k0s.2", 3, "io.containerd.cri.v1.images"],
  ] as const) {
    test(`k0s ${version} → version ${expectedVersion}, ${plugin}`, () => {
      const result = render({ ...base, k0sVersion: version });
      const dropIn = parse(fileOf(result, "/etc/k0s/containerd.d/cri-registry.toml").content);
      assert.deepEqual(dropIn, {
        version: expectedVersion,
        plugins: { [plugin]: { registry: { config_path: "/etc/k0s/containerd.d/certs.d" } } },
      });
      assert.equal(result.configLine, expectedVersion === 2 ? "v2" : "v3");
      assert.equal(result.warnings.filter((w) => w.code === "unknown-k0s-version").length, 0);
    });
  }

  test("a version outside the known table still renders, with a warning", () => {
    const future = render({ ...base, k0sVersion: "1.38.0" });
    assert.equal(future.configLine, "v3");
    assert.ok(future.warnings.some((w) => w.code === "unknown-k0s-version"));
    const old = render({ ...base, k0sVersion: "1.26.1" });
    assert.equal(old.configLine, "v2");
    assert.ok(old.warnings.some((w) => w.code === "unknown-k0s-version"));
  });

  test("a string that is not a version names the field", () => {
    assert.throws(() => render({ ...base, k0sVersion: "latest" }), {
      name: "RenderInputError",
      field: "k0sVersion",
    });
  });
});

describe("hosts.toml per layout", () => {
  test("flat, no fallback: the mirror is both [host] and server, with pull+resolve", () => {
    const result = render(base);
    assert.deepEqual(hostsOf(result, "quay.io"), {
      server: "http://10.0.0.5:5000",
      capabilities: ["pull", "resolve"],
      host: { "http://10.0.0.5:5000": { capabilities: ["pull", "resolve"] } },
    });
  });

  test("with fallback, server is the upstream; docker.io's upstream is registry-1.docker.io", () => {
    const result = render({ ...base, mirror: { ...base.mirror, fallbackToUpstream: true } });
    assert.equal(hostsOf(result, "docker.io").server, "https://registry-1.docker.io");
    assert.equal(hostsOf(result, "quay.io").server, "https://quay.io");
    assert.ok(result.warnings.some((w) => w.code === "fallback-to-upstream"));
  });

  test("per-registry: /v2/<registry> with override_path", () => {
    const result = render({ ...base, mirror: { ...base.mirror, layout: "per-registry" } });
    const hosts = hostsOf(result, "registry.k8s.io");
    assert.deepEqual(hosts.host, {
      "http://10.0.0.5:5000/v2/registry.k8s.io": {
        capabilities: ["pull", "resolve"],
        override_path: true,
      },
    });
    assert.equal(hosts.server, "http://10.0.0.5:5000/v2/registry.k8s.io");
    assert.equal(hosts.override_path, true);
  });

  test("one common prefix: /v2/<prefix> for every registry", () => {
    const result = render({
      ...base,
      mirror: { ...base.mirror, layout: { prefix: "/k0rdent-enterprise/" } },
    });
    for (const registry of ["quay.io", "docker.io", "registry.k8s.io"]) {
      assert.deepEqual(Object.keys(hostsOf(result, registry).host as object), [
        "http://10.0.0.5:5000/v2/k0rdent-enterprise",
      ]);
    }
  });

  test("a bad prefix is refused with its field", () => {
    for (const prefix of ["", "Upper", "a/../b", 'x"y', "a b"]) {
      assert.throws(() => render({ ...base, mirror: { ...base.mirror, layout: { prefix } } }), {
        field: "mirror.layout.prefix",
      });
    }
  });

  test("host:port registries keep their port in the directory name", () => {
    const result = render({ ...base, registries: ["registry.example.com:5443"] });
    assert.ok(hostsOf(result, "registry.example.com:5443").host);
  });

  test("_default catch-all when asked", () => {
    const result = render({ ...base, mirror: { ...base.mirror, defaultMirror: true } });
    assert.deepEqual(Object.keys(hostsOf(result, "_default").host as object), [
      "http://10.0.0.5:5000",
    ]);
    assert.ok(!result.warnings.some((w) => w.code === "default-mirror-layout"));
  });

  test("_default with the per-registry layout uses upstream paths, and says so", () => {
    const mirror = { ...base.mirror, defaultMirror: true, layout: "per-registry" as const };
    const result = render({ ...base, mirror });
    assert.deepEqual(Object.keys(hostsOf(result, "_default").host as object), [
      "http://10.0.0.5:5000",
    ]);
    assert.ok(result.warnings.some((w) => w.code === "default-mirror-layout"));
  });

  test("every hosts.toml and drop-in is valid TOML with a fixed header comment", () => {
    const result = render({
      ...base,
      mirror: { ...base.mirror, defaultMirror: true, layout: "per-registry" },
    });
    for (const file of result.nodes[0]?.files ?? []) {
      if (!file.path.endsWith(".toml")) continue;
      assert.doesNotThrow(() => parse(file.content), file.path);
      assert.match(file.content, /^# Managed by k0rdent airgap console/);
    }
  });
});

describe("TLS options", () => {
  const pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";

  test("a CA is written beside each hosts.toml and referenced by absolute path", () => {
    const result = render({
      ...base,
      mirror: { address: "reg.lan:443", scheme: "https", caPem: pem },
    });
    const ca = fileOf(result, "/etc/k0s/containerd.d/certs.d/quay.io/ca.crt");
    assert.equal(ca.content, pem);
    assert.deepEqual(hostsOf(result, "quay.io").host, {
      "https://reg.lan:443": {
        capabilities: ["pull", "resolve"],
        ca: "/etc/k0s/containerd.d/certs.d/quay.io/ca.crt",
      },
    });
  });

  test("skip_verify on an https mirror", () => {
    const result = render({
      ...base,
      mirror: { address: "reg.lan", scheme: "https", skipVerify: true },
    });
    assert.equal(
      (hostsOf(result, "quay.io").host as Record<string, { skip_verify?: boolean }>)[
        "https://reg.lan"
      ]?.skip_verify,
      true,
    );
  });

  test("skip-verify or a CA on an http mirror is refused (containerd would try HTTPS first)", () => {
    assert.throws(() => render({ ...base, mirror: { ...base.mirror, skipVerify: true } }), {
      field: "mirror.skipVerify",
    });
    assert.throws(() => render({ ...base, mirror: { ...base.mirror, caPem: pem } }), {
      field: "mirror.caPem",
    });
  });

  test("a CA that is not PEM is refused", () => {
    assert.throws(
      () => render({ ...base, mirror: { address: "reg.lan", scheme: "https", caPem: "hello" } }),
      {
        field: "mirror.caPem",
      },
    );
  });
});

describe("hostile input never becomes a path, TOML or shell", () => {
  const hostileHosts = [
    "../../etc",
    "..",
    "quay.io/../../x",
    "quay.io/x",
    'quay.io"\n[host."http://evil"]',
    "quay.io\nserver = 1",
    "$(touch /tmp/MARK)",
    "quay.io;rm -rf /",
    "quay.io`id`",
    "http://quay.io",
    "_default",
    "quay.io:port",
    "",
    " ",
    "-rf",
  ];
  for (const hostile of hostileHosts) {
    test(`registry ${JSON.stringify(hostile)} is refused with a clear message`, () => {
      assert.throws(
        () => render({ ...base, registries: [hostile] }),
        (error: unknown) =>
          error instanceof RenderInputError &&
          error.field === "registries[0]" &&
          error.message.length > 20,
      );
    });
    test(`mirror address ${JSON.stringify(hostile)} is refused`, () => {
      assert.throws(() => render({ ...base, mirror: { ...base.mirror, address: hostile } }), {
        field: "mirror.address",
      });
    });
    if (hostile.trim() === "") continue; // a blank node address means "use the default"
    test(`node registry address ${JSON.stringify(hostile)} is refused`, () => {
      assert.throws(
        () =>
          render({ ...base, nodes: [{ name: "n1", role: "single", registryAddress: hostile }] }),
        {
          field: "nodes[0].registryAddress",
        },
      );
    });
  }

  for (const name of [
    "../x",
    "a/b",
    "..",
    ".",
    "",
    "x y",
    "a\nb",
    "$(id)",
    "-rf",
    "x".repeat(64),
    "n.",
  ]) {
    test(`node name ${JSON.stringify(name)} is refused`, () => {
      assert.throws(() => render({ ...base, nodes: [{ name, role: "single" }] }), {
        field: "nodes[0].name",
      });
    });
  }

  test("every accepted file path stays under /etc/k0s", () => {
    const result = render({
      ...base,
      registries: ["a.b", "A-Z.io:1", "[fd00::1]:443", "xn--bcher-kva.example", "1.2.3.4"],
      mirror: { ...base.mirror, defaultMirror: true },
    });
    for (const file of result.nodes[0]?.files ?? []) {
      if (file.path === "install.sh") continue;
      assert.match(
        file.path,
        /^\/etc\/k0s\/(k0s\.yaml|containerd\.d\/(cri-registry\.toml|certs\.d\/[^/]+\/(hosts\.toml|ca\.crt)))$/,
      );
      assert.ok(!file.path.split("/").includes(".."));
    }
  });
});

describe("warnings for known pitfalls", () => {
  const codes = (input: RenderInput & { images?: string[] }) =>
    render(input).warnings.map((w) => w.code);

  test("Docker Hub under two names is one directory, with a duplicate-endpoint warning", () => {
    const result = render({
      ...base,
      registries: ["docker.io", "index.docker.io", "quay.io", "registry.k8s.io"],
    });
    assert.equal(result.nodes[0]?.files.filter((f) => f.path.includes("/docker.io/")).length, 1);
    assert.ok(
      result.warnings.some((w) => w.code === "duplicate-endpoint" && w.subject === "docker.io"),
    );
  });

  test("the mirror itself and loopback registries get no entry", () => {
    const result = render({
      ...base,
      registries: [...base.registries, "10.0.0.5:5000", "localhost:5000", "127.0.0.1:5001"],
    });
    const paths = result.nodes[0]?.files.map((f) => f.path).join(" ");
    assert.doesNotMatch(paths ?? "", /10\.0\.0\.5|localhost|127\.0\.0\.1/);
    assert.deepEqual(result.warnings.map((w) => w.code).sort(), [
      "loopback-registry",
      "loopback-registry",
      "registry-is-mirror",
    ]);
  });

  test("a k0s system registry left out is flagged", () => {
    assert.ok(
      codes({ ...base, registries: ["docker.io", "quay.io"] }).includes("missing-system-registry"),
    );
    // from 1.33 on k0s pulls everything from quay.io
    assert.ok(
      !codes({ ...base, k0sVersion: "1.33.1", registries: ["quay.io"] }).includes(
        "missing-system-registry",
      ),
    );
  });

  test("upstream paths that collide on one mirror are flagged unless per-registry", () => {
    const images = ["docker.io/library/x:1", "quay.io/library/x:2", "quay.io/calico/node:v3"];
    assert.ok(codes({ ...base, images }).includes("path-collision"));
    assert.ok(
      !codes({ ...base, images, mirror: { ...base.mirror, layout: "per-registry" } }).includes(
        "path-collision",
      ),
    );
  });

  test("several nodes on a loopback registry address are flagged", () => {
    const input = { ...base, mirror: { ...base.mirror, address: "127.0.0.1:5000" } };
    const controller = { name: "cp", role: "controller+worker" as const };
    const worker = { name: "w1", role: "worker" as const };
    assert.ok(
      codes({ ...input, nodes: [controller, worker] }).includes("loopback-registry-address"),
    );
    const reachable = { ...worker, registryAddress: "10.0.0.5:5000" };
    assert.ok(
      !codes({ ...input, nodes: [controller, reachable] }).includes("loopback-registry-address"),
    );
  });

  test("no registry at all is an error, not an empty render", () => {
    assert.throws(() => render({ ...base, registries: [] }), { field: "registries" });
    assert.doesNotThrow(() =>
      render({ ...base, registries: [], mirror: { ...base.mirror, defaultMirror: true } }),
    );
  });
});

describe("per node", () => {
  const nodes = [
    { name: "cp-1", role: "controller" as const, registryAddress: "127.0.0.1:5000" },
    { name: "cp-2", role: "controller+worker" as const },
    { name: "w-1", role: "worker" as const, registryAddress: "10.0.0.9:5000" },
  ];
  const result = render({ ...base, nodes });

  test("each node's hosts.toml uses its own registry address", () => {
    assert.deepEqual(Object.keys(hostsOf(result, "quay.io", 0).host as object), [
      "http://127.0.0.1:5000",
    ]);
    assert.deepEqual(Object.keys(hostsOf(result, "quay.io", 1).host as object), [
      "http://10.0.0.5:5000",
    ]);
    assert.deepEqual(Object.keys(hostsOf(result, "quay.io", 2).host as object), [
      "http://10.0.0.9:5000",
    ]);
  });

  test("every file carries its mode and the sha256 of its content", () => {
    for (const node of result.nodes) {
      for (const file of node.files) {
        assert.equal(file.sha256, createHash("sha256").update(file.content).digest("hex"));
        assert.match(file.mode, /^0[0-7]{3}$/);
      }
    }
  });

  test("install.sh checks the mirror files before installing, with flags per role", () => {
    const script = (index: number) => fileOf(result, "install.sh", index).content;
    const first = script(0);
    assert.ok(
      first.indexOf("test -s /etc/k0s/containerd.d/cri-registry.toml") <
        first.indexOf("\nk0s install "),
    );
    assert.match(first, /\nk0s install controller -c \/etc\/k0s\/k0s.yaml\n/);
    assert.match(
      script(1),
      /\nk0s install controller --enable-worker --token-file \/etc\/k0s\/join-token -c /,
    );
    assert.match(script(2), /\nk0s install worker --token-file \/etc\/k0s\/join-token\n/);
    assert.ok(script(2).indexOf("\nk0s install ") < script(2).indexOf("\nk0s start\n"));
  });

  test("without nodes, one node named localhost uses the mirror address", () => {
    const single = render(base);
    assert.deepEqual(
      single.nodes.map((n) => [n.name, n.registryAddress]),
      [["localhost", "10.0.0.5:5000"]],
    );
    assert.match(fileOf(single, "install.sh").content, /k0s install controller --single/);
  });

  test("k0s.yaml is rendered for every node", () => {
    for (let index = 0; index < nodes.length; index += 1) {
      assert.match(fileOf(result, "/etc/k0s/k0s.yaml", index).content, /kind: ClusterConfig/);
    }
  });
});
