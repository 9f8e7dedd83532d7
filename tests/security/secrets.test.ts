/**
 * Secrets never echo, and sudo cannot leak (issue 9). Distinctive secrets are planted in a built
 * console — SSH passwords, a private key and its passphrase, stored sudo passwords, a bastion's
 * password, an import's passwords, the registry's password and token, and secrets inside bad
 * requests — then every API route's
 * responses, the console's log and every file the test hosts wrote during checks and runs are
 * swept for them. On the hosts: `nopass` (NOPASSWD sudo) with a stored sudo password and
 * `deploy` (sudo asks) with the right one both apply; a wrong one fails with a clear reason.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { unzipSync } from "fflate";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { LAB_SEED } from "../lab/images";
import { standinSeed } from "../lab/k0s-standin/images";
import { installK0sStandin } from "../lab/k0s-standin/install";
import { LAB_OVERRIDE } from "../lab/lab-inventory";
import { type SshHost, type SshLab, startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";
import { yamlAliasBomb } from "../lab/yaml-bomb";

const VERSION = "1.32.8";
const tag = Date.now().toString(36);
const plant = (what: string) => `PLANT-${what}-${tag}`;

/** the NOPASSWD user's stored sudo password: sudo never asks for it, so it must never be sent */
const NOPASS_SUDO = plant("nopass-sudo");
const GHOST = {
  login: plant("ghost-login"),
  sudo: plant("ghost-sudo"),
  bastion: plant("ghost-bastion"),
};
const IMPORTED = { login: plant("import-login"), sudo: plant("import-sudo") };
const WRONG_SUDO = plant("wrong-sudo");
const CREDENTIAL = { key: plant("credential-key"), sudo: plant("credential-sudo") };
const REGISTRY = { password: plant("registry-password"), token: plant("registry-token") };
/** secrets sent in requests that are refused */
const REFUSED = Array.from({ length: 13 }, (_, index) => plant(`refused-${index}`));

let lab: SshLab;
let server: RunningConsole;
/** every secret that must never come back, by what it is */
let secrets: Record<string, string> = {};
/** where a secret came back: "<what> in <where>" */
const leaks: string[] = [];

function sweep(where: string, text: string | Uint8Array): void {
  const body = typeof text === "string" ? text : Buffer.from(text).toString("latin1");
  for (const [what, secret] of Object.entries(secrets)) {
    if (body.includes(secret)) leaks.push(`${what} in ${where}`);
  }
}

interface Answer {
  status: number;
  bytes: Uint8Array;
  text: string;
  json(): unknown;
}

/** One API call; its response (status, headers, body) is swept for the planted secrets. */
async function call(route: string, method = "GET", body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const where = `${method} ${route} (${response.status})`;
  sweep(where, bytes);
  sweep(`${where} headers`, JSON.stringify([...response.headers]));
  const text = Buffer.from(bytes).toString("utf8");
  return { status: response.status, bytes, text, json: () => JSON.parse(text) };
}

async function ok(route: string, method = "GET", body?: unknown): Promise<Answer> {
  const answer = await call(route, method, body);
  assert.ok(answer.status < 400, `${method} ${route}: ${answer.status} ${answer.text}`);
  return answer;
}

/** Every file a test host wrote (its overlay upper dir), swept byte for byte. */
function sweepHost(host: SshHost): number {
  let files = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && statSync(full).size < 64 * 1024 * 1024) {
        files++;
        sweep(`${host.name}:${full.slice(host.upperDir.length)}`, readFileSync(full));
      }
    }
  };
  walk(host.upperDir);
  return files;
}

async function runToEnd(body: Record<string, unknown>) {
  const { id } = (await ok("/api/runs", "POST", body)).json() as { id: string };
  const run = await waitFor(
    `run ${id} to finish`,
    async () => {
      const { run } = (await ok(`/api/runs/${id}`)).json() as {
        run: { status: string; nodes: { node: string; state: string; error: string | null }[] };
      };
      return run.status !== "running" && run;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
  return { id, run };
}

before(async () => {
  lab = await startSshLab({
    hosts: [{ name: "np" }, { name: "dp" }],
    seed: [...new Set([...LAB_SEED, ...standinSeed(VERSION)])],
  });
  await Promise.all(lab.hosts.map((host) => installK0sStandin(lab, host, { version: VERSION })));
  server = await startConsole();
  const key = lab.keys.ed25519Passphrase;
  // a line of the key's base64 body: the key material itself
  const keyLine = key.privateKey.split("\n")[2] ?? "";
  assert.ok(keyLine.length > 40);
  secrets = {
    "the private key": keyLine,
    "its passphrase": key.passphrase ?? "",
    "deploy's password (login and sudo)": lab.users.deploy.password,
    "nopass's stored sudo password": NOPASS_SUDO,
    "a login password": GHOST.login,
    "a stored sudo password": GHOST.sudo,
    "a bastion's password": GHOST.bastion,
    "an imported login password": IMPORTED.login,
    "an imported sudo password": IMPORTED.sudo,
    "a wrong sudo password": WRONG_SUDO,
    "a credential's key": CREDENTIAL.key,
    "a credential's sudo password": CREDENTIAL.sudo,
    "the registry's password": REGISTRY.password,
    "the registry's token": REGISTRY.token,
    ...Object.fromEntries(REFUSED.map((secret, index) => [`refused secret ${index}`, secret])),
  };
});

after(async () => {
  await server?.stop();
  await lab?.stop();
});

test("planted secrets never come back: every route, the console's log, the hosts' files", async () => {
  await ok("/api/health");
  await ok("/api/settings", "PUT", {
    k0sVersion: VERSION,
    registries: ["registry.k8s.io", "quay.io"],
    mirror: { address: lab.registryAddress, scheme: "http" },
  });
  const np = lab.host("np");
  const dp = lab.host("dp");
  const key = lab.keys.ed25519Passphrase;
  await ok("/api/nodes", "POST", {
    name: "np",
    address: np.address,
    user: "nopass",
    role: "single",
    auth: { kind: "key", privateKey: key.privateKey, passphrase: key.passphrase },
    sudo: { mode: "stored", password: NOPASS_SUDO },
    expectedFingerprint: np.fingerprint,
  });
  await ok("/api/nodes", "POST", {
    name: "dp",
    address: dp.address,
    user: "deploy",
    role: "single",
    auth: { kind: "password", password: lab.users.deploy.password },
    sudo: { mode: "stored", password: lab.users.deploy.password },
    expectedFingerprint: dp.fingerprint,
  });
  await ok("/api/nodes", "POST", {
    name: "ghost",
    address: "10.254.0.1",
    user: "admin",
    role: "worker",
    labels: { rack: "r1" },
    auth: { kind: "password", password: GHOST.login },
    sudo: { mode: "stored", password: GHOST.sudo },
    bastion: {
      address: "10.254.0.2",
      user: "jump",
      auth: { kind: "password", password: GHOST.bastion },
    },
  });

  // an import: its preview and its confirm say a secret was provided, never what it is
  const inventory = `[k0s_workers]\nimp-1 ansible_host=10.254.0.9 ansible_user=ops ansible_password=${IMPORTED.login} ansible_become_password=${IMPORTED.sudo}\n`;
  const preview = (await ok("/api/nodes/import", "POST", { content: inventory })).json() as {
    rows: { node: { auth: unknown; sudo: unknown } }[];
  };
  assert.deepEqual(preview.rows[0]?.node.auth, {
    kind: "password",
    hasSecret: true,
    hasPassphrase: false,
  });
  assert.deepEqual(preview.rows[0]?.node.sudo, { mode: "stored", hasPassword: true });
  const confirmed = (
    await ok("/api/nodes/import", "POST", { content: inventory, confirm: true })
  ).json() as { created: string[] };
  assert.deepEqual(confirmed.created, ["imp-1"]);

  // reading, changing and exporting the fleet
  await ok("/api/nodes");
  for (const name of ["np", "dp", "ghost", "imp-1"]) await ok(`/api/nodes/${name}`);
  await ok("/api/nodes/ghost", "PATCH", { labels: { rack: "r2" } });
  await ok("/api/nodes/ghost/duplicate", "POST", { name: "ghost-2", address: "10.254.0.3" });
  await ok("/api/nodes/ghost-2", "DELETE");
  await ok("/api/nodes/np/trust", "POST", { fingerprint: np.fingerprint });
  // a credential: created, assigned, rotated, read; secrets write-only
  const credentialKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${CREDENTIAL.key}\n-----END OPENSSH PRIVATE KEY-----\n`;
  await ok("/api/credentials", "POST", {
    name: "ops",
    auth: { kind: "password", password: CREDENTIAL.key },
    sudo: { mode: "stored", password: CREDENTIAL.sudo },
  });
  await ok("/api/nodes/ghost", "PATCH", { credential: "ops" });
  await ok("/api/credentials/ops", "PATCH", { auth: { kind: "key", privateKey: credentialKey } });
  await ok("/api/credentials");
  await ok("/api/credentials/ops");
  await ok("/api/nodes/ghost");
  await ok("/api/nodes/ghost", "PATCH", { credential: null });
  for (const format of ["k0sctl", "ansible", "csv"]) {
    await ok(`/api/nodes/export?format=${format}`);
  }
  await ok("/api/settings");
  await ok(
    "/api/catalog",
    "POST",
    "registry.k8s.io/pause:3.9\nquay.io/k0sproject/coredns:1.12.2\n",
  );
  const renderInput = {
    k0sVersion: VERSION,
    registries: ["registry.k8s.io"],
    mirror: { address: lab.registryAddress, scheme: "http" },
  };
  await ok("/api/render", "POST", renderInput);
  const zip = await ok("/api/render?format=zip", "POST", renderInput);
  for (const [name, content] of Object.entries(unzipSync(zip.bytes))) {
    sweep(`render zip ${name}`, content);
  }

  // checks and runs on the test hosts
  const checks = (await ok("/api/checks", "POST", { nodes: ["np", "dp"] })).json() as {
    results: { node: string; check: string; status: string; reason: string }[];
  };
  for (const node of ["np", "dp"]) {
    const privilege = checks.results.find((r) => r.node === node && r.check === "privilege.root");
    assert.equal(privilege?.status, "pass", `${node}: ${privilege?.reason}`);
  }
  await ok("/api/checks?node=np");
  await ok("/api/checks/readiness");
  // the registry's credentials: stored, tried through a node, read back; write-only throughout
  await ok("/api/registry/settings", "PUT", {
    address: lab.registryAddress,
    scheme: "http",
    credentials: { kind: "basic", username: "pusher", password: REGISTRY.password },
    via: "np",
  });
  assert.equal(((await ok("/api/registry/test", "POST")).json() as { ok: boolean }).ok, true);
  await ok("/api/registry/settings");
  await ok("/api/registry/settings", "PUT", {
    credentials: { kind: "token", token: REGISTRY.token },
  });
  await ok("/api/registry/test", "POST");
  await ok("/api/registry/settings");
  const badRegistry = await call("/api/registry/settings", "PUT", {
    scheme: "ftp",
    credentials: { kind: "basic", username: "u", password: `${REFUSED[12]}\n` },
  });
  assert.equal(badRegistry.status, 400, badRegistry.text);
  assert.match(badRegistry.text, /Password: a password cannot contain a line break/);
  await ok("/api/checks/overrides", "POST", { node: "np", check: "os.init", reason: "stand-in" });
  const { id: planId } = await runToEnd({ action: "plan", nodes: ["np", "dp"] });
  const { id, run } = await runToEnd({
    action: "apply",
    nodes: ["np", "dp"],
    fromPlan: planId,
    ...LAB_OVERRIDE,
  });
  assert.equal(run.status, "succeeded", JSON.stringify(run.nodes));
  await ok("/api/runs");
  await ok(`/api/runs/${id}/log`);
  await ok(`/api/runs/${id}/log?node=np`);
  await ok(`/api/runs/${id}/events`);
  await call(`/api/runs/${id}/cancel`, "POST");
  await call(`/api/runs/${id}/retry`, "POST", { sudoPasswords: { np: REFUSED[0] } });

  // the files the apply wrote are the rendered ones, intact, through sudo on both hosts
  const rendered = (await ok("/api/render", "POST", {
    ...renderInput,
    registries: ["registry.k8s.io", "quay.io"],
    nodes: [{ name: "np", role: "single" }],
  }).then((answer) => answer.json())) as {
    nodes: { files: { path: string; content: string }[] }[];
  };
  for (const host of [np, dp]) {
    for (const file of rendered.nodes[0]?.files.filter((f) => f.path.endsWith(".toml")) ?? []) {
      assert.equal(host.readFile(file.path), file.content, `${host.name}:${file.path}`);
    }
  }

  // bad requests carrying secrets: refused, and the refusal does not repeat them
  const refused: [string, string, unknown][] = [
    [
      "/api/nodes",
      "POST",
      {
        name: "bad-1",
        address: "10.254.0.5",
        role: "worker",
        auth: { kind: "password", password: REFUSED[1] },
        sudo: { mode: "stored", password: `${REFUSED[2]}\nsecond line` },
      },
    ],
    [
      "/api/nodes",
      "POST",
      {
        name: "bad-2",
        address: "10.254.0.5",
        role: "worker",
        auth: { kind: "agent", password: REFUSED[3] },
      },
    ],
    [
      "/api/nodes",
      "POST",
      {
        name: "bad-3",
        address: "10.254.0.5",
        role: "worker",
        auth: { kind: "key", privateKey: `ssh-ed25519 AAAAC3${REFUSED[4]}` },
      },
    ],
    ["/api/nodes/np", "PATCH", { port: 0, auth: { kind: "password", password: REFUSED[5] } }],
    [
      "/api/runs",
      "POST",
      { action: "plan", nodes: ["np"], sudoPasswords: { np: `${REFUSED[6]}\n` } },
    ],
    ["/api/checks", "POST", { nodes: ["np"], sudoPasswords: { np: `${REFUSED[7]}\r` } }],
    ["/api/nodes", "POST", `{"name": "bad-4", "auth": {"password": "${REFUSED[8]}"`],
    [
      "/api/nodes",
      "POST",
      {
        name: "../bad",
        address: "10.254.0.5",
        role: "worker",
        auth: { kind: "password", password: REFUSED[9] },
      },
    ],
    [
      "/api/nodes",
      "POST",
      {
        name: "bad-5",
        address: "x",
        role: "worker",
        sudo: { mode: "passwordless", password: REFUSED[10] },
      },
    ],
  ];
  for (const [route, method, body] of refused) {
    const answer = await call(route, method, body);
    assert.equal(answer.status, 400, `${method} ${route}: ${answer.text}`);
  }
  const newline = await call("/api/nodes", "POST", refused[0]?.[2]);
  assert.match(newline.text, /Sudo password: cannot contain a line break/);
  assert.match(newline.text, /"field":"sudo.password"/);
  // import rows with errors (a bad port, an unquoted password with a space, a YAML error on the
  // secret's line) are shown, not echoed
  await call("/api/nodes/import", "POST", {
    content: `[k0s_workers]\nw-9 ansible_host=10.254.0.7 ansible_port=99999 ansible_password=first ${REFUSED[11]}\n`,
  });
  await call("/api/nodes/import", "POST", {
    content: `k0s_workers:\n  hosts:\n    w-9: {ansible_host: 10.254.0.7, ansible_password: "${REFUSED[11]}\n`,
    format: "ansible-yaml",
  });

  // a wrong sudo password: the node fails with sudo's reason, and that password is nowhere either
  await ok("/api/nodes/dp", "PATCH", { sudo: { mode: "stored", password: WRONG_SUDO } });
  const wrong = await runToEnd({ action: "plan", nodes: ["dp"] });
  assert.equal(wrong.run.status, "failed");
  assert.match(wrong.run.nodes[0]?.error ?? "", /sudo refused the password/);
  await ok(`/api/runs/${wrong.id}/log`);

  sweep("the console's log", readFileSync(path.join(server.dataDir, "console.log")));
  sweep("the console's log tail", server.logTail());
  const swept = lab.hosts.map(sweepHost);
  assert.ok(
    swept.every((count) => count > 10),
    `host files swept: ${swept}`,
  );
  assert.deepEqual(leaks, []);
});

test("malformed input is a 400 naming the problem: YAML alias bombs, settings out of bounds", async () => {
  const bomb = yamlAliasBomb();
  const k0sctl = `apiVersion: k0sctl.k0sproject.io/v1beta1\nkind: Cluster\n${bomb}\nspec:\n  hosts: *j\n`;
  const imported = await call("/api/nodes/import", "POST", { content: k0sctl });
  assert.equal(imported.status, 400, imported.text);
  assert.match(imported.text, /alias bomb/);
  const ansible = `${bomb}\nall:\n  hosts:\n    h1: {ansible_host: 10.0.0.1}\n  vars: *j\n`;
  const vars = await call("/api/nodes/import", "POST", {
    content: ansible,
    format: "ansible-yaml",
  });
  assert.equal(vars.status, 400, vars.text);
  const zarf = `kind: ZarfPackageConfig\nmetadata: {name: x}\n${bomb}\ncomponents:\n  - name: c\n    images: *j\n`;
  const catalog = await call("/api/catalog", "POST", zarf);
  assert.equal(catalog.status, 400, catalog.text);
  assert.match(catalog.text, /YAML alias \*j/);

  const settings = await call("/api/settings", "PUT", {
    k0sVersion: VERSION,
    registries: [`${"r".repeat(250)}.io`],
    mirror: {
      address: "reg.lan:99999",
      scheme: "https",
      caPem: "see below\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    },
  });
  assert.equal(settings.status, 400);
  const body = settings.json() as { error: string; details: { issues: { label: string }[] } };
  assert.deepEqual(
    body.details.issues.map((issue) => issue.label),
    ["Registry 1", "Registry address", "CA certificate"],
  );
  assert.match(body.error, /Registry address: port 99999 is not a port number/);
  const label = await call("/api/nodes", "POST", {
    name: "rtl",
    address: "10.254.0.6",
    role: "worker",
    labels: { owner: "ops\u202Etxt.exe" },
  });
  assert.equal(label.status, 400);
  assert.match(label.text, /bidi/);
});
