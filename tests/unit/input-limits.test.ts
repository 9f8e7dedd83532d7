/** The limits on settings and node fields (issue 9, "validation gaps"): tables of cases. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readCatalogText } from "@/lib/catalog";
import { parseInventory, publicPreview } from "@/lib/inventory/import";
import { NodeInputSchema, RunSudoPasswordsSchema } from "@/lib/inventory/schema";
import { RenderInputError } from "@/lib/render";
import { caPemProblem } from "@/lib/render/mirror";
import { registryHostProblem } from "@/lib/render/registry-host";
import { parseRenderInput, RenderRequestSchema } from "@/lib/render/schema";
import { yamlAliasBomb } from "../lab/yaml-bomb";

const label63 = "a".repeat(63);
const CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nAAAA==\n-----END CERTIFICATE-----";

describe("registry addresses", () => {
  const cases: [string, RegExp | null][] = [
    ["quay.io", null],
    ["10.0.0.5:5000", null],
    ["[fd00::5]:5000", null],
    [`${label63}.example.com`, null],
    [`${label63}a.example.com`, /longer than 63 characters/],
    [[label63, label63, label63, "a".repeat(61)].join("."), null], // 253
    [[label63, label63, label63, "a".repeat(62)].join("."), /at most 253/],
    [`${"a".repeat(40)}.`.repeat(7).slice(0, 256), /at most 255/],
    ["x".repeat(5000), /5000 characters long; at most 255/],
    ["reg.lan:0", /port 0 is not a port number/],
    ["reg.lan:65535", null],
    ["reg.lan:65536", /port 65536/],
    ["reg.lan:99999", /port 99999/],
    ["https://reg.lan", /has a scheme/],
    ["reg lan", /not a registry host/],
  ];
  for (const [host, expected] of cases) {
    test(`${host.length > 40 ? `${host.slice(0, 30)}… (${host.length})` : host}: ${expected ?? "accepted"}`, () => {
      const problem = registryHostProblem(host);
      if (expected === null) assert.equal(problem, null);
      else assert.match(problem ?? "", expected);
      if (host.length > 255) assert.ok((problem ?? "").length < 100, "a long input is not echoed");
    });
  }
});

describe("CA certificates: PEM CERTIFICATE blocks only", () => {
  const cases: [string, string, RegExp | null][] = [
    ["one certificate", `${CERT}\n`, null],
    ["two, blank lines and CRLF", `\r\n${CERT}\r\n\r\n${CERT}\r\n`, null],
    ["text before", `issuer: my CA\n${CERT}`, /line 1 is text outside/],
    ["text after", `${CERT}\nthanks`, /line 5 is text outside/],
    [
      "a private key with it",
      `${CERT}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----`,
      /line 5 starts a PRIVATE KEY block/,
    ],
    ["not base64 inside", CERT.replace("AAAA==", "not base64!"), /line 3 is not base64/],
    [
      "not closed",
      CERT.replace("\n-----END CERTIFICATE-----", ""),
      /has no -----END CERTIFICATE----- line/,
    ],
    ["no certificate", "hello", /line 1 is text outside/],
    ["only blank", "\n\n", /expected a PEM certificate/],
    ["too large", `${CERT}\n`.repeat(6000), /larger than 256 KiB/],
  ];
  for (const [name, pem, expected] of cases) {
    test(`${name}: ${expected ?? "accepted"}`, () => {
      const problem = caPemProblem(pem);
      if (expected === null) assert.equal(problem, null);
      else assert.match(problem ?? "", expected);
      assert.doesNotMatch(
        problem ?? "",
        /AAAA|issuer|thanks/,
        "the message names lines, not content",
      );
    });
  }
});

describe("render input and settings: every bad field at once, by its label", () => {
  test("three bad fields, three labelled messages, paths for the form", () => {
    const input = {
      k0sVersion: "1.32.8",
      registries: ["quay.io", `${"b".repeat(64)}.io`],
      mirror: { address: "reg.lan:99999", scheme: "https", caPem: `junk\n${CERT}` },
      nodes: [{ name: "cp-1", role: "controller", registryAddress: "x".repeat(300) }],
    };
    const error = (() => {
      try {
        parseRenderInput(RenderRequestSchema, input);
      } catch (thrown) {
        return thrown;
      }
      assert.fail("accepted");
    })();
    assert.ok(error instanceof RenderInputError);
    assert.deepEqual(
      error.issues.map((issue) => [issue.field, issue.label]),
      [
        ["registries[1]", "Registry 2"],
        ["mirror.address", "Registry address"],
        ["mirror.caPem", "CA certificate"],
        ["nodes[0].registryAddress", "Node 1 registry address"],
      ],
    );
    assert.equal(error.field, "registries[1]");
    assert.match(
      error.message,
      /^Registry 2: .*; Registry address: port 99999.*; CA certificate: line 1/,
    );
  });

  test("a valid input passes unchanged", () => {
    const input = {
      k0sVersion: "1.32.8",
      registries: ["quay.io"],
      mirror: { address: "reg.lan:5000", scheme: "https" as const, caPem: CERT },
    };
    assert.deepEqual(parseRenderInput(RenderRequestSchema, input), input);
  });
});

const node = {
  name: "cp-1",
  address: "10.0.0.1",
  role: "controller",
} as const;

describe("node fields", () => {
  const cases: [string, Record<string, unknown>, RegExp | null][] = [
    ["a plain label", { labels: { rack: "a1 – row 2 ✓" } }, null],
    [
      "a right-to-left override in a label",
      { labels: { rack: "a1\u202Egnp.exe" } },
      /labels\.rack.*bidi/,
    ],
    ["an isolate in a label", { labels: { rack: "\u2066x\u2069" } }, /bidi/],
    ["a left-to-right mark in a label", { labels: { rack: "x\u200E" } }, /bidi/],
    ["a bell in a label", { labels: { rack: "x\u0007" } }, /control characters/],
    ["a ';' in a label", { labels: { rack: "a;b" } }, /';'/],
    ["a 257-character label", { labels: { rack: "x".repeat(257) } }, /at most 256/],
    ["a 64-character host name part", { address: `${"h".repeat(64)}.lan` }, /^address/],
    ["port 0", { port: 0 }, /^port/],
    ["port 65536", { port: 65536 }, /^port/],
    [
      "a 256-character registry address",
      { registryAddress: `${"r".repeat(250)}.lan:5000` },
      /^registryAddress: .*at most 255/,
    ],
    ["registry port 0", { registryAddress: "reg.lan:0" }, /^registryAddress: .*port 0/],
    ["a sudo password", { sudo: { mode: "stored", password: "p@ss word" } }, null],
    [
      "a sudo password with a newline",
      { sudo: { mode: "stored", password: "pass\nrm -rf /" } },
      /^sudo\.password: cannot contain a line break/,
    ],
    [
      "a sudo password with a CR",
      { sudo: { mode: "stored", password: "pass\r" } },
      /^sudo\.password: cannot contain/,
    ],
    [
      "a sudo password with a NUL",
      { sudo: { mode: "stored", password: "pa\0ss" } },
      /^sudo\.password: cannot contain/,
    ],
  ];
  for (const [name, fields, expected] of cases) {
    test(`${name}: ${expected ?? "accepted"}`, () => {
      const result = NodeInputSchema.safeParse({ ...node, ...fields });
      if (expected === null) return assert.equal(result.success, true, String(result.error));
      assert.equal(result.success, false);
      const text = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      assert.match(text ?? "", expected);
      assert.doesNotMatch(text ?? "", /rm -rf/, "a secret is never in the message");
    });
  }

  test("run-time sudo passwords: a line break is refused, naming the node", () => {
    const result = RunSudoPasswordsSchema.safeParse({ "cp-1": "fine", "w-1": "two\nlines" });
    assert.equal(result.success, false);
    assert.deepEqual(
      result.error?.issues.map((issue) => issue.path),
      [["w-1"]],
    );
    assert.equal(RunSudoPasswordsSchema.safeParse({ "cp-1": "fine" }).success, true);
  });

  test("an imported sudo password with a line break is a row error, not a node", () => {
    const yaml = `k0s_controllers:\n  hosts:\n    cp-1:\n      ansible_host: 10.0.0.1\n      ansible_become_password: "first\\nSECOND"\n`;
    const row = parseInventory(yaml, "ansible-yaml").rows[0];
    assert.equal(row?.node, null);
    assert.match(row?.errors.join("; ") ?? "", /sudo\.password: cannot contain a line break/);
    assert.doesNotMatch(row?.errors.join("; ") ?? "", /SECOND/);
  });
});

describe("import previews carry no secret", () => {
  test("password, sudo password, key and passphrase become flags", () => {
    const key =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nKEYMATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
    const preview = parseInventory(
      "[k0s_controllers]\ncp-1 ansible_host=10.0.0.1 ansible_user=deploy ansible_password=LOGINSECRET ansible_become_password=SUDOSECRET\n",
    );
    const shown = publicPreview(preview);
    assert.equal(JSON.stringify(shown).includes("SECRET"), false, JSON.stringify(shown));
    assert.deepEqual(shown.rows[0]?.node?.auth, {
      kind: "password",
      hasSecret: true,
      hasPassphrase: false,
    });
    assert.deepEqual(shown.rows[0]?.node?.sudo, { mode: "stored", hasPassword: true });
    // the rows themselves still carry the secrets, for the confirm that saves them
    assert.equal(JSON.stringify(preview).includes("SUDOSECRET"), true);
    const withKey = publicPreview({
      format: "k0sctl",
      notes: [],
      rows: [
        {
          line: 1,
          errors: [],
          notes: [],
          node: {
            ...node,
            auth: { kind: "key", privateKey: key, passphrase: "PHRASE" },
            bastion: {
              address: "10.0.0.9",
              user: "jump",
              auth: { kind: "password", password: "JUMPSECRET" },
            },
          },
        },
      ],
    });
    const text = JSON.stringify(withKey);
    for (const secret of ["KEYMATERIAL", "PHRASE", "JUMPSECRET"])
      assert.equal(text.includes(secret), false);
    assert.deepEqual(withKey.rows[0]?.node?.auth, {
      kind: "key",
      hasSecret: true,
      hasPassphrase: true,
    });
    assert.equal(withKey.rows[0]?.node?.bastion?.auth?.hasSecret, true);
  });
});

describe("import errors never repeat a secret", () => {
  test("an unquoted password with a space: the error says what to do, not the password's rest", () => {
    const ini =
      "[k0s_workers]\nw-1 ansible_host=10.0.0.2 ansible_become_password=first SECONDHALF\n";
    const errors = parseInventory(ini, "ansible-ini").rows.flatMap((row) => row.errors);
    assert.deepEqual(errors, [
      "a word after ansible_become_password is not key=value: quote a value that has spaces",
    ]);
    const plain = parseInventory("[k0s_workers]\nw-1 ansible_host=10.0.0.2 oops\n", "ansible-ini");
    assert.deepEqual(
      plain.rows.flatMap((row) => row.errors),
      ['"oops" is not key=value'],
    );
  });
});

describe("YAML aliases in imports", () => {
  const bomb = yamlAliasBomb();
  const cases: [string, string, "k0sctl" | "ansible-yaml" | undefined, RegExp][] = [
    [
      "a billion laughs in a k0sctl.yaml",
      `apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: Cluster\n${bomb}\nspec:\n  hosts: *j\n`,
      undefined,
      /alias bomb/,
    ],
    [
      "a billion laughs in Ansible YAML vars",
      `${bomb}\nall:\n  hosts:\n    h1: {ansible_host: 10.0.0.1}\n  vars: *j\n`,
      "ansible-yaml",
      /alias bomb/,
    ],
    [
      "an alias to no anchor",
      "all:\n  hosts:\n    h1: {ansible_host: 10.0.0.1}\n  vars: *nowhere\n",
      "ansible-yaml",
      /alias/,
    ],
  ];
  for (const [name, text, format, expected] of cases) {
    test(`${name}: refused with a message, quickly`, () => {
      const started = Date.now();
      assert.throws(
        () => parseInventory(text, format),
        (error: Error) => {
          assert.equal(error.name, "InventoryError");
          assert.match(error.message, expected);
          return true;
        },
      );
      assert.ok(Date.now() - started < 5000);
    });
  }

  test("a few aliases are still read", () => {
    const text =
      "all:\n  vars: &common {ansible_user: deploy}\n  hosts:\n    h1: {ansible_host: 10.0.0.1, k0s_role: controller}\n  children:\n    k0s_workers:\n      hosts:\n        h2: {ansible_host: 10.0.0.2}\n      vars: *common\n";
    const preview = parseInventory(text, "ansible-yaml");
    assert.ok(
      preview.rows.every((row) => row.node?.user === "deploy"),
      JSON.stringify(preview.rows),
    );
  });
});

describe("YAML aliases in catalogs", () => {
  const bomb = yamlAliasBomb();
  const refused: [string, string][] = [
    [
      "Zarf images",
      `kind: ZarfPackageConfig\nmetadata: {name: x}\n${bomb}\ncomponents:\n  - name: c\n    images: *j\n`,
    ],
    [
      "Hauler images",
      `apiVersion: content.hauler.cattle.io/v1\nkind: Images\n${bomb}\nspec:\n  images: *j\n`,
    ],
    [
      "one Zarf image",
      "kind: ZarfPackageConfig\nmetadata: {name: x}\nimg: &i nginx:1.27.3\ncomponents:\n  - name: c\n    images: [*i]\n",
    ],
  ];
  for (const [name, text] of refused) {
    test(`an alias in ${name} is refused, naming it`, () => {
      assert.throws(
        () => readCatalogText(text),
        /YAML alias \*[ij] .*aliases are not read in a catalog/,
      );
    });
  }

  test("an anchor and alias outside the entries are fine", () => {
    const text =
      "kind: ZarfPackageConfig\nmetadata: &m {name: x}\nx-copy: *m\ncomponents:\n  - name: c\n    images: [nginx:1.27.3]\n";
    assert.equal(readCatalogText(text).images.length, 1);
  });
});
