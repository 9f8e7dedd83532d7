import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { openDatabase } from "@/lib/inventory/db";
import { toAnsibleIni, toAnsibleYaml, toCsv, toK0sctl } from "@/lib/inventory/export";
import { type ImportedNode, type InventoryFormat, parseInventory } from "@/lib/inventory/import";
import { importNodes } from "@/lib/inventory/import-nodes";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { createNode, listNodes } from "@/lib/inventory/nodes";
import { loadSecretKey } from "@/lib/inventory/secrets";
import type { NodeInput, NodePublic } from "@/lib/inventory/types";
import { render } from "@/lib/render";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function store() {
  const dir = mkdtempSync(path.join(tmpdir(), "inventory-roundtrip-"));
  dirs.push(dir);
  return { db: openDatabase(dir), key: loadSecretKey(dir) };
}

const SECRET = "round-trip-password-3b9d";
const fleet: NodeInput[] = [
  {
    name: "cp-1",
    address: "10.0.0.11",
    role: "controller",
    labels: { rack: "r1", zone: "a b" },
    auth: { kind: "password", password: SECRET },
  },
  {
    name: "10.0.0.12",
    address: "10.0.0.12",
    port: 2222,
    user: "ubuntu",
    role: "controller+worker",
    registryAddress: "10.0.0.5:5000",
  },
  {
    name: "edge.dc1.example",
    address: "edge.dc1.example",
    user: "core",
    role: "worker",
    bastion: { address: "jump.dc1.example", port: 2200, user: "jump" },
  },
  {
    name: "v6",
    address: "fd00::13",
    role: "worker",
    bastion: { address: "fd00::1", user: "root" },
  },
  { name: "solo", address: "10.0.0.14", role: "single", labels: { "k0s.example/pool": "x=y" } },
];

/** What an export carries: the node minus secrets, access and host keys. */
function comparable(node: NodePublic | ImportedNode) {
  return {
    name: node.name,
    address: node.address,
    port: node.port ?? 22,
    user: node.user ?? "root",
    role: node.role,
    registryAddress: node.registryAddress ?? null,
    labels: node.labels ?? {},
    bastion: node.bastion
      ? { address: node.bastion.address, port: node.bastion.port ?? 22, user: node.bastion.user }
      : null,
  };
}

const exporters: [InventoryFormat, (nodes: NodePublic[]) => string][] = [
  ["k0sctl", (nodes) => toK0sctl(nodes)],
  ["ansible-ini", toAnsibleIni],
  ["ansible-yaml", toAnsibleYaml],
  ["csv", toCsv],
];

describe("export → import gives the same nodes, minus secrets", () => {
  const { db, key } = store();
  for (const input of fleet) createNode({ db, key, input });
  const nodes = listNodes({ db });

  for (const [format, exporter] of exporters) {
    test(format, () => {
      const text = exporter(nodes);
      assert.ok(!text.includes(SECRET), "an export must not carry secrets");
      const preview = parseInventory(text);
      assert.equal(preview.format, format, "detected from the content");
      assert.deepEqual(
        preview.rows.flatMap((row) => row.errors),
        [],
      );
      const imported = preview.rows.map((row) => row.node).filter((node) => node !== null);
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      assert.deepEqual(imported.map(comparable).sort(byName), nodes.map(comparable).sort(byName));
    });
  }
});

describe("the k0sctl export", () => {
  const { db, key } = store();
  for (const input of fleet.slice(0, 2)) createNode({ db, key, input });
  const nodes = listNodes({ db });
  const rendered = render({
    k0sVersion: "1.35.7",
    registries: ["quay.io", "registry.k8s.io"],
    mirror: { address: "10.0.0.5:5000", scheme: "http" },
    nodes: nodes.map((node) => ({
      name: node.name,
      role: node.role,
      registryAddress: node.registryAddress ?? undefined,
    })),
  });
  const filesPerNode = Object.fromEntries(rendered.nodes.map((node) => [node.name, node.files]));
  const config = parseYaml(
    toK0sctl(nodes, filesPerNode, { k0sVersion: "1.35.7", clusterName: "dc1" }),
  ) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    spec: {
      k0s: { version: string };
      hosts: {
        role: string;
        hostname?: string;
        ssh: Record<string, unknown>;
        files?: { name: string; data: string; dst: string; perm: string }[];
      }[];
    };
  };

  test("is a k0sctl Cluster with ssh hosts", () => {
    assert.equal(config.apiVersion, "k0sctl.k0sproject.io/v1beta1");
    assert.equal(config.kind, "Cluster");
    assert.equal(config.metadata.name, "dc1");
    assert.equal(config.spec.k0s.version, "1.35.7");
    const byAddress = (address: string) =>
      config.spec.hosts.find((host) => host.ssh.address === address);
    assert.deepEqual(byAddress("10.0.0.12")?.ssh, {
      address: "10.0.0.12",
      user: "ubuntu",
      port: 2222,
    });
    // hostname (the k8s node name) only where the name cannot be derived from the address
    assert.equal(byAddress("10.0.0.11")?.hostname, "cp-1");
    assert.equal(byAddress("10.0.0.12")?.hostname, undefined);
  });

  test("carries each node's rendered files inline with dst and perm, not install.sh", () => {
    for (const [index, node] of nodes.entries()) {
      const files = config.spec.hosts[index]?.files ?? [];
      const expected = (filesPerNode[node.name] ?? []).filter((file) => file.path.startsWith("/"));
      assert.ok(expected.length > 0);
      assert.deepEqual(
        files.map((file) => [file.dst, file.perm, file.data]),
        expected.map((file) => [file.path, file.mode, file.content]),
      );
      assert.ok(files.every((file) => !file.dst.endsWith("install.sh")));
      assert.ok(
        (filesPerNode[node.name] ?? []).some((file) => file.path === "install.sh"),
        "sanity: the renderer made one",
      );
    }
    const dropIn = config.spec.hosts[0]?.files?.find(
      (file) => file.dst === "/etc/k0s/containerd.d/cri-registry.toml",
    );
    assert.match(dropIn?.data ?? "", /config_path/);
  });
});

describe("importNodes", () => {
  test("saves the valid rows in one go and reports each row", () => {
    const { db, key } = store();
    createNode({ db, key, input: { name: "taken", address: "10.0.0.1", role: "worker" } });
    const preview = parseInventory(
      "[workers]\ntaken ansible_host=10.0.0.2\nfresh ansible_host=10.0.0.3 ansible_password=pw-77\nbad ansible_host='no way'\n[controllers]\ncp ansible_host=10.0.0.4\n",
    );
    const outcomes = importNodes({ db, key, rows: preview.rows });
    assert.deepEqual(
      outcomes.map((o) => [o.line, o.name, o.outcome]),
      [
        [2, "taken", "conflict"],
        [3, "fresh", "created"],
        [4, null, "invalid"],
        [6, "cp", "created"],
      ],
    );
    assert.deepEqual(
      listNodes({ db }).map((node) => [node.name, node.address]),
      [
        ["cp", "10.0.0.4"],
        ["fresh", "10.0.0.3"],
        ["taken", "10.0.0.1"],
      ],
    );
    assert.deepEqual(nodeConnection({ db, key, name: "fresh" }).auth, {
      kind: "password",
      password: "pw-77",
    });
    const cp = listNodes({ db }).find((node) => node.name === "cp");
    assert.deepEqual(
      cp?.auth,
      { kind: "key", hasSecret: false, hasPassphrase: false },
      "a key is still to upload",
    );
  });

  test("rows from a client are validated again", () => {
    const { db, key } = store();
    const forged = [
      {
        line: 1,
        node: { name: "x", address: "not valid!", role: "worker", auth: null } as ImportedNode,
        errors: [],
        notes: [],
      },
    ];
    const [outcome] = importNodes({ db, key, rows: forged });
    assert.equal(outcome?.outcome, "invalid");
    assert.deepEqual(listNodes({ db }), []);
  });
});
