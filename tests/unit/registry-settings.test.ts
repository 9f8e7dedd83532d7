import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { renderFleet, SAMPLE_NODE } from "@/lib/fleet/render-fleet";
import { openDatabase } from "@/lib/inventory/db";
import { InventoryError } from "@/lib/inventory/errors";
import { createNode } from "@/lib/inventory/nodes";
import {
  getRegistrySettings,
  putRegistrySettings,
  registryConnection,
} from "@/lib/inventory/registry-settings";
import { loadSecretKey } from "@/lib/inventory/secrets";
import { putFleetSettings } from "@/lib/inventory/settings";
import { splitReference } from "@/lib/registry/browse";
import { requestsTo } from "@/lib/registry/requests-to";
import { effectiveRegistry, splitAddress } from "@/lib/registry/settings";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function store() {
  const dir = mkdtempSync(path.join(tmpdir(), "registry-settings-"));
  dirs.push(dir);
  return { db: openDatabase(dir), key: loadSecretKey(dir) };
}
const PASSWORD = "registry-pass-3f9a";
const TOKEN = "registry-token-77c1";
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

test("a prefix typed into the address is split off", () => {
  const cases: [string, { address: string; prefix?: string }][] = [
    ["registry.local:5000", { address: "registry.local:5000" }],
    [
      "registry.local:5000/k0rdent-enterprise",
      { address: "registry.local:5000", prefix: "k0rdent-enterprise" },
    ],
    [" 10.0.0.5:5000/a/b/ ", { address: "10.0.0.5:5000", prefix: "a/b" }],
    ["registry.local:5000/", { address: "registry.local:5000" }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(splitAddress(input), expected, input);
});

test("unset fields follow the mirror; a mismatch is a warning naming both", () => {
  const mirror = {
    address: "Mirror.Local:5000",
    scheme: "https" as const,
    caPem: CA,
    layout: { prefix: "k0rdent-enterprise" },
  };
  const same = effectiveRegistry({ credentials: { kind: "none" } }, mirror);
  assert.deepEqual(same.effective, {
    address: "mirror.local:5000",
    prefix: "k0rdent-enterprise",
    scheme: "https",
    caPem: CA.trim(),
    insecureSkipVerify: false,
    via: null,
  });
  assert.deepEqual(same.warnings, []);
  const other = effectiveRegistry(
    { address: "other:5000", prefix: "x", insecureSkipVerify: true, credentials: { kind: "none" } },
    mirror,
  );
  assert.equal(other.effective.caPem, null, "its own TLS settings replace the mirror's");
  assert.equal(other.effective.insecureSkipVerify, true);
  assert.deepEqual(
    other.warnings.map((w) => w.field),
    ["address", "prefix"],
  );
  assert.match(
    other.warnings[0]?.message ?? "",
    /other:5000 differs from the mirror's mirror.local:5000/,
  );
});

describe("validation: every bad field at once, by its label", () => {
  const { db, key } = store();
  const cases: [string, unknown, RegExp[]][] = [
    [
      "bad address and prefix",
      { address: "http://x:5000", prefix: "Upper/Case" },
      [
        /Registry address: "http:\/\/x:5000" has a scheme/,
        /Repository prefix: "Upper\/Case" is not a repository path prefix/,
      ],
    ],
    [
      "a port out of range",
      { address: "r:70000" },
      [/Registry address: port 70000 is not a port number/],
    ],
    [
      "a prefix given twice",
      { address: "r:5000/a", prefix: "b" },
      [/Repository prefix: is given twice/],
    ],
    [
      "TLS settings on http",
      { scheme: "http", insecureSkipVerify: true },
      [/Skip TLS verification: applies to https only/],
    ],
    [
      "a CA that is a key",
      { scheme: "https", caPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" },
      [/CA certificate: line 1 starts a PRIVATE KEY block/],
    ],
    [
      "a scheme that is not one",
      { scheme: "ftp", credentials: { kind: "basic", username: "" } },
      [/Scheme: must be one of: http, https/, /User name: is required/, /Password: is required/],
    ],
    [
      "basic without a password stored",
      { credentials: { kind: "basic", username: "u" } },
      [/Password: is required with a user name/],
    ],
    ["a token missing", { credentials: { kind: "token" } }, [/Token: is required/]],
    [
      "a password with a line break",
      { credentials: { kind: "basic", username: "u", password: "a\nb" } },
      [/Password: a password cannot contain a line break/],
    ],
    [
      "an unknown node",
      { via: "ghost" },
      [/Reach it through node: there is no node named "ghost"/],
    ],
    ["an unknown field", { adress: "x" }, [/unknown field: adress/]],
  ];
  for (const [name, input, messages] of cases) {
    test(name, () => {
      assert.throws(
        () => putRegistrySettings({ db, key, input: input as never }),
        (error: unknown) => {
          assert.ok(error instanceof InventoryError);
          for (const message of messages) assert.match(error.message, message);
          assert.equal(error.issues.length, messages.length, error.message);
          return true;
        },
      );
    });
  }
  test("nothing was stored by a refused request", () => {
    assert.deepEqual(getRegistrySettings({ db }).settings, { credentials: { kind: "none" } });
  });
});

describe("credentials: stored encrypted, write-only", () => {
  const { db, key } = store();
  putFleetSettings({
    db,
    settings: {
      k0sVersion: "1.32.8",
      registries: ["registry.k8s.io"],
      mirror: { address: "mirror:5000", scheme: "http" },
    },
  });
  createNode({ db, key, input: { name: "jump-1", address: "10.0.0.7", role: "worker" } });

  test("the answer says a password is there, never what it is; the database holds it encrypted", () => {
    const answer = putRegistrySettings({
      db,
      key,
      input: {
        address: "registry.local:5000/k0rdent-enterprise",
        scheme: "https",
        caPem: CA,
        credentials: { kind: "basic", username: "pusher", password: PASSWORD },
        via: "jump-1",
      },
    });
    assert.deepEqual(answer.settings, {
      address: "registry.local:5000",
      prefix: "k0rdent-enterprise",
      scheme: "https",
      caPem: CA,
      via: "jump-1",
      credentials: { kind: "basic", username: "pusher", hasPassword: true },
    });
    assert.deepEqual(
      answer.warnings.map((w) => w.field),
      ["address", "prefix", "scheme"],
    );
    assert.ok(!JSON.stringify(answer).includes(PASSWORD));
    const row = db.prepare("SELECT value FROM settings WHERE key = 'registry'").pluck().get();
    assert.match(String(row), /"password":"v1:/);
    assert.ok(!String(row).includes(PASSWORD));
    const { connection } = registryConnection({ db, key });
    assert.deepEqual(connection.credentials, { username: "pusher", password: PASSWORD });
    assert.equal(connection.url, "https://registry.local:5000");
  });

  test("a password left out keeps the stored one; a token replaces it; none forgets it", () => {
    putRegistrySettings({
      db,
      key,
      input: { address: "registry.local:5000", credentials: { kind: "basic", username: "other" } },
    });
    assert.deepEqual(registryConnection({ db, key }).connection.credentials, {
      username: "other",
      password: PASSWORD,
    });
    const token = putRegistrySettings({
      db,
      key,
      input: { credentials: { kind: "token", token: TOKEN } },
    });
    assert.deepEqual(token.settings.credentials, { kind: "token", hasToken: true });
    assert.deepEqual(registryConnection({ db, key }).connection.credentials, { token: TOKEN });
    putRegistrySettings({ db, key, input: { credentials: { kind: "none" } } });
    assert.equal(registryConnection({ db, key }).connection.credentials, undefined);
  });

  test("a password stored with another secret key: the error says which and what to do", () => {
    putRegistrySettings({
      db,
      key,
      input: { credentials: { kind: "basic", username: "u", password: PASSWORD } },
    });
    const other = store().key;
    assert.throws(
      () => registryConnection({ db, key: other }),
      (error: unknown) => {
        assert.match(
          String((error as Error).message),
          /the registry's password: enter it again on the Registry page/,
        );
        assert.ok(!String((error as Error).message).includes(PASSWORD));
        return true;
      },
    );
  });

  test("a damaged row is named on reading, and saving again repairs it", () => {
    const damaged = store();
    damaged.db
      .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('registry', '[]', '')")
      .run();
    assert.throws(() => getRegistrySettings(damaged), /stored registry settings are damaged/);
    const saved = putRegistrySettings({ ...damaged, input: { address: "r:5000" } });
    assert.equal(saved.settings.address, "r:5000");
  });

  test("credentials left out entirely stay as stored", () => {
    putRegistrySettings({ db, key, input: { credentials: { kind: "token", token: TOKEN } } });
    const answer = putRegistrySettings({ db, key, input: { address: "r2:5000" } });
    assert.deepEqual(answer.settings.credentials, { kind: "token", hasToken: true });
  });
});

test("a reference split into repository, tag and digest", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  const cases: [string, ReturnType<typeof splitReference>][] = [
    [
      "k0rdent-enterprise/pause:3.9",
      { repository: "k0rdent-enterprise/pause", tag: "3.9", digest: null },
    ],
    [`a/b@${digest}`, { repository: "a/b", tag: null, digest }],
    ["a/b", { repository: "a/b", tag: "latest", digest: null }],
    ["registry:5000/a", { repository: "registry:5000/a", tag: "latest", digest: null }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(splitReference(input), expected, input);
});

test("which catalog images land on a reference, through the rendered hosts.toml", () => {
  const settings = {
    k0sVersion: "1.32.8",
    registries: ["registry.k8s.io", "quay.io"],
    mirror: {
      address: "10.0.0.5:5000",
      scheme: "http" as const,
      layout: { prefix: "k0rdent-enterprise" },
    },
    catalog: null,
  };
  const files = renderFleet(settings, [SAMPLE_NODE]).nodes[0]?.files ?? [];
  const images = ["registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.10", "quay.io/x/pause:3.9"];
  const target = { repository: "k0rdent-enterprise/pause", tag: "3.9", digest: "sha256:0" };
  assert.deepEqual(requestsTo(target, images, files), [
    {
      image: "registry.k8s.io/pause:3.9",
      url: "http://10.0.0.5:5000/v2/k0rdent-enterprise/pause/manifests/3.9?ns=registry.k8s.io",
    },
  ]);
  // the bundle's k8s/pause path is not where containerd asks: nothing lands on it
  assert.deepEqual(
    requestsTo({ ...target, repository: "k0rdent-enterprise/k8s/pause" }, images, files),
    [],
  );
  const flat = renderFleet({ ...settings, mirror: { ...settings.mirror, layout: undefined } }, [
    SAMPLE_NODE,
  ]);
  assert.deepEqual(
    requestsTo({ ...target, repository: "x/pause" }, images, flat.nodes[0]?.files ?? []).map(
      (r) => r.image,
    ),
    ["quay.io/x/pause:3.9"],
  );
});
