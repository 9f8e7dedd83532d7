import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { detectInventoryFormat, type ImportPreview, parseInventory } from "@/lib/inventory/import";

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "..", "fixtures", "inventory", name), "utf8");

/** [line, name] of good rows and [line, first error] of bad ones, for compact assertions. */
const good = (preview: ImportPreview) =>
  preview.rows.filter((row) => row.node).map((row) => [row.line, row.node?.name]);
const bad = (preview: ImportPreview) =>
  preview.rows.filter((row) => !row.node).map((row) => [row.line, row.errors[0]]);
const row = (preview: ImportPreview, name: string) => {
  const found = preview.rows.find((candidate) => candidate.node?.name === name);
  assert.ok(found, `no row for ${name}`);
  return found;
};

describe("k0sctl.yaml", () => {
  const preview = parseInventory(fixture("k0sctl.yaml"));

  test("is detected; good hosts are read with their lines", () => {
    assert.equal(preview.format, "k0sctl");
    assert.deepEqual(good(preview), [
      [7, "cp-1"],
      [14, "cp-2.dc1.example"],
      [25, "10.20.0.21"],
      [40, "fd00-20-24"],
    ]);
  });

  test("bad hosts keep their line and say why", () => {
    const errors = bad(preview);
    assert.deepEqual(
      errors.map(([line]) => line),
      [31, 34, 37],
    );
    assert.match(String(errors[0]?.[1]), /^localhost: .*write an ssh: block/);
    assert.match(String(errors[1]?.[1]), /^address:/);
    assert.match(String(errors[2]?.[1]), /^role:/);
  });

  test("ssh fields, bastion, and keyPaths left to read server-side (auth null)", () => {
    const cp2 = row(preview, "cp-2.dc1.example");
    assert.deepEqual(cp2.node, {
      name: "cp-2.dc1.example",
      address: "cp-2.dc1.example",
      port: 2222,
      user: "admin",
      role: "controller+worker",
      bastion: { address: "jump.dc1.example", port: 22, user: "jumper" },
      auth: null,
    });
    assert.deepEqual(cp2.keyFiles, [
      { label: "keyPath", path: "~/.ssh/id_ed25519", for: "auth" },
      { label: "bastion keyPath", path: "~/.ssh/jump_key", for: "bastion" },
    ]);
    const ipv6 = row(preview, "fd00-20-24");
    assert.equal(ipv6.node?.port, 2200);
    assert.equal(ipv6.node?.address, "fd00:20::24");
  });

  test("openSSH hosts are read as ssh, with why ~/.ssh/config is not used and what is not imported", () => {
    const openSsh = row(preview, "10.20.0.21");
    assert.equal(openSsh.node?.user, "core");
    assert.ok(openSsh.notes.includes("not imported: installFlags"));
    assert.ok(openSsh.notes.some((note) => /^openSSH: read as ssh;.*~\/\.ssh\/config/.test(note)));
  });

  test("a YAML syntax error is one row with its line", () => {
    const broken = parseInventory(
      "apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: Cluster\nspec:\n  hosts: [\n",
      "k0sctl",
    );
    assert.equal(broken.rows.length, 1);
    assert.equal(broken.rows[0]?.node, null);
    assert.ok((broken.rows[0]?.line ?? 0) >= 4);
  });
});

describe("k0sctl documents k0sctl accepts", () => {
  const hosts = "spec:\n  hosts:\n  - role: worker\n    ssh:\n      address: 10.0.0.1\n";
  const cases: [string, string, string | null, string | null][] = [
    // label, file, first row error, file note
    [
      "kind: cluster",
      `apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: cluster\n${hosts}`,
      null,
      null,
    ],
    [
      "kind: Cluster",
      `apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: Cluster\n${hosts}`,
      null,
      null,
    ],
    [
      "another apiVersion is read with a note",
      `apiVersion: k0sctl.k0sproject.io/v1beta2\nkind: cluster\n${hosts}`,
      null,
      "apiVersion k0sctl.k0sproject.io/v1beta2 is not k0sctl.k0sproject.io/v1beta1; read anyway",
    ],
    [
      "a kind k0sctl refuses is named",
      `apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: Clusters\n${hosts}`,
      'kind: must be Cluster (k0sctl accepts "Cluster" or "cluster"), found Clusters',
      null,
    ],
    [
      "winrm hosts say why",
      "apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: cluster\nspec:\n  hosts:\n  - role: worker\n    winrm:\n      address: 10.0.0.1\n",
      "winrm: Windows hosts are not supported (k0s nodes are Linux)",
      null,
    ],
  ];
  for (const [label, text, error, note] of cases) {
    test(label, () => {
      const preview = parseInventory(text);
      assert.equal(preview.format, "k0sctl");
      assert.equal(preview.rows[0]?.errors[0] ?? null, error);
      assert.equal(preview.notes[0] ?? null, note);
      if (!error) assert.equal(preview.rows[0]?.node?.address, "10.0.0.1");
    });
  }
});

describe("Ansible INI", () => {
  const preview = parseInventory(fixture("ansible.ini"));

  test("is detected; ranges expand; good and bad rows keep their lines", () => {
    assert.equal(preview.format, "ansible-ini");
    assert.deepEqual(good(preview), [
      [6, "cp-1"],
      [6, "cp-2"],
      [7, "cp-3"],
      [10, "w-01.dc1.example"],
      [10, "w-02.dc1.example"],
      [12, "edge"],
      [20, "gpu-1"],
    ]);
    assert.deepEqual(bad(preview), [
      [13, "ansible_connection=local hosts cannot be managed over SSH"],
      [23, "role: no controller or worker group and no k0s_role"],
      [34, '"line" is not key=value'],
      [35, '"[broken" is not a [group], [group:vars] or [group:children] header'],
    ]);
  });

  test("roles: both groups → controller+worker, k0s_role wins, a parent group counts when nearer ones do not", () => {
    assert.equal(row(preview, "cp-1").node?.role, "controller+worker");
    assert.equal(row(preview, "cp-2").node?.role, "controller");
    assert.equal(row(preview, "cp-3").node?.role, "single");
    assert.equal(row(preview, "gpu-1").node?.role, "worker");
  });

  test("vars: host line > child group > all; become password → stored sudo", () => {
    assert.equal(row(preview, "cp-2").node?.user, "ubuntu");
    const worker = row(preview, "w-01.dc1.example").node;
    assert.deepEqual(
      [worker?.user, worker?.port, worker?.address],
      ["core", 2222, "w-01.dc1.example"],
    );
    assert.deepEqual(worker?.sudo, { mode: "stored", password: "s3cret-become" });
  });

  test("ProxyJump becomes the bastion; key file left to read; k0s_labels the labels", () => {
    const edge = row(preview, "edge");
    assert.deepEqual(edge.node?.bastion, { address: "10.30.0.254", port: 2200, user: "jump" });
    assert.deepEqual(edge.node?.labels, { zone: "edge", rack: "r1" });
    assert.equal(edge.node?.auth, null);
    assert.deepEqual(edge.keyFiles, [
      { label: "ansible_ssh_private_key_file", path: "~/.ssh/edge", for: "auth" },
    ]);
  });

  test("an SSH password var becomes password auth", () => {
    const one = parseInventory("[workers]\nw1 ansible_host=10.0.0.1 ansible_password='p w'\n");
    assert.deepEqual(one.rows[0]?.node?.auth, { kind: "password", password: "p w" });
  });

  test("Jinja templates are reported, not imported", () => {
    const one = parseInventory('[workers]\nw1 ansible_host=\'{{ lookup("env", "IP") }}\'\n');
    assert.match(one.rows[0]?.errors[0] ?? "", /ansible_host is a Jinja template/);
  });
});

describe("Ansible YAML", () => {
  const preview = parseInventory(fixture("ansible.yaml"));

  test("is detected; hosts keep the line of their first mention", () => {
    assert.equal(preview.format, "ansible-yaml");
    assert.deepEqual(good(preview), [
      [7, "cp-1"],
      [9, "cp-2"],
      [17, "node-a"],
      [17, "node-b"],
      [20, "vaulted"],
    ]);
    assert.deepEqual(bad(preview), [
      [27, "role: no controller or worker group and no k0s_role"],
      [31, "WinRM hosts are not supported"],
    ]);
  });

  test("kubespray groups map to roles; group vars and YAML labels apply", () => {
    assert.equal(row(preview, "cp-1").node?.role, "controller");
    const cp2 = row(preview, "cp-2").node;
    assert.deepEqual([cp2?.role, cp2?.port, cp2?.user], ["controller+worker", 2022, "core"]);
    assert.deepEqual(row(preview, "node-b").node?.labels, { pool: "general" });
  });

  test("a vaulted password is left out with a note", () => {
    const vaulted = row(preview, "vaulted");
    assert.equal(vaulted.node?.auth, null);
    assert.ok(
      vaulted.notes.some((note) => note.includes("ansible_password") && note.includes("by hand")),
    );
    assert.ok(!JSON.stringify(vaulted).includes("ANSIBLE_VAULT"));
  });
});

describe("CSV", () => {
  const preview = parseInventory(fixture("nodes.csv"));

  test("is detected; good rows counted, bad rows with their lines", () => {
    assert.equal(preview.format, "csv");
    assert.deepEqual(good(preview), [
      [2, "n1"],
      [3, "10.50.0.2"],
      [8, "n7"],
    ]);
    assert.deepEqual(bad(preview), [
      [4, 'port: "2x" is not a port number (1-65535)'],
      [5, "role: is required (controller, controller+worker, worker or single)"],
      [6, 'name: "n1" is also used on line 2'],
      [7, "name: must be 1-63 letters, digits, '.', '_' or '-', not ending with '.'"],
    ]);
    assert.ok(preview.notes.includes("columns not used: rack"));
  });

  test("fields are read, including quoted labels with a comma", () => {
    assert.deepEqual(row(preview, "n1").node, {
      name: "n1",
      address: "10.50.0.1",
      port: 22,
      user: "root",
      role: "controller",
      registryAddress: "10.50.0.100:5000",
      labels: { zone: "a", tier: "cp" },
      auth: null,
    });
    assert.deepEqual(row(preview, "n7").node?.labels, { note: "has, a comma" });
    assert.ok(row(preview, "10.50.0.2").notes.some((note) => note.includes("from the address")));
  });
});

describe("format detection", () => {
  const cases: [string, string, ReturnType<typeof detectInventoryFormat>][] = [
    [
      "k0sctl",
      "apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: Cluster\nspec: {hosts: []}\n",
      "k0sctl",
    ],
    [
      "k0sctl with kind: cluster in lower case (as k0sctl's own examples write it)",
      "apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: cluster\nspec:\n  hosts:\n  - role: worker\n    ssh:\n      address: 10.0.0.1\n",
      "k0sctl",
    ],
    [
      "k0sctl with kind first, quoted",
      "# made by k0sctl init\nkind: 'Cluster'\napiVersion: \"k0sctl.k0sproject.io/v1beta1\"\nspec: {hosts: []}\n",
      "k0sctl",
    ],
    [
      "k0sctl with a wrong kind is still k0sctl (its parser names the problem)",
      "apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: Clusters\nspec: {hosts: []}\n",
      "k0sctl",
    ],
    ["kind: cluster without k0sctl is not k0sctl", "kind: cluster\nhosts: [a]\n", null],
    ["INI with groups", "# c\n[workers]\nw1\n", "ansible-ini"],
    ["INI without groups", "w1 ansible_host=10.0.0.1\n", "ansible-ini"],
    [
      "Ansible YAML",
      "---\nall:\n  children:\n    workers:\n      hosts:\n        w1:\n",
      "ansible-yaml",
    ],
    ["YAML with top-level groups", "workers:\n  hosts:\n    w1: {}\n", "ansible-yaml"],
    ["CSV", "\uFEFFName,Address,Role\nw1,10.0.0.1,worker\n", "csv"],
    ["anything else", "hello world\n", null],
    ["empty", "\n\n", null],
  ];
  for (const [label, text, expected] of cases) {
    test(label, () => assert.equal(detectInventoryFormat(text), expected));
  }

  test("an unrecognised text is an invalid error naming the formats", () => {
    assert.throws(() => parseInventory("hello world"), {
      code: "invalid",
      message: /k0sctl.*Ansible.*CSV/,
    });
  });
});
