import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { after, before, test } from "node:test";
import { render } from "@/lib/render";
import type { RenderedFile } from "@/lib/render/types";
import {
  type FileLineStream,
  NodeFileError,
  readNodeFiles,
  writeNodeFiles,
} from "@/lib/runs/write-files";
import { type SshEndpoint, SshSession } from "@/lib/ssh/client";
import { shellCommand } from "@/lib/ssh/quote";
import { RootShell } from "@/lib/ssh/root-shell";
import { consoleTempFiles, hostFiles } from "../lab/host-files";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

/**
 * The file stage against real OpenSSH test hosts: writes through ssh2 + RootShell as the console
 * does, checks what each host really has (its overlay upper dir, and `stat` over SSH).
 */
let lab: SshLab;
before(async () => {
  lab = await startSshLab({
    hosts: [{ name: "alpha" }, { name: "beta" }, { name: "gamma" }],
    seed: false,
  });
});
after(async () => {
  await lab?.stop();
});

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

async function connect(name: string, as: "root" | "deploy" = "root") {
  const host = lab.host(name);
  const endpoint: SshEndpoint = {
    host: host.address,
    port: host.port,
    username: as,
    auth:
      as === "root"
        ? { kind: "key", privateKey: lab.keys.ed25519.privateKey }
        : { kind: "password", password: lab.users.deploy.password },
    hostKey: { pinned: host.fingerprint, expected: null },
  };
  const session = await SshSession.open(endpoint);
  const shell =
    as === "root"
      ? new RootShell(session, "root")
      : new RootShell(session, "sudo-password", lab.users.deploy.password);
  return { session, shell };
}

function renderFor(node: string, registryPort = 5000): RenderedFile[] {
  const result = render({
    k0sVersion: "1.32.8",
    registries: ["registry.k8s.io", "quay.io", "docker.io"],
    mirror: { address: `${lab.gateway}:${registryPort}`, scheme: "http" },
    nodes: [{ name: node, role: "controller+worker" }],
  });
  return result.nodes[0]?.files ?? [];
}

const absolute = (files: RenderedFile[]) => files.filter((file) => file.path.startsWith("/"));

/** every file below `hostDir` that the host wrote (its overlay upper dir) */
function recorder() {
  const lines: Array<[FileLineStream, string]> = [];
  return { lines, onLine: (stream: FileLineStream, line: string) => lines.push([stream, line]) };
}

test("the first write creates every file root:root with its mode and content; install.sh stays local", async () => {
  const host = lab.host("alpha");
  const files = renderFor("alpha");
  assert.ok(files.some((file) => file.path === "install.sh"));
  const targets = absolute(files);
  assert.ok(targets.length >= 4);
  const { session, shell } = await connect("alpha");
  try {
    const { lines, onLine } = recorder();
    const outcomes = (await writeNodeFiles(shell, files, { runId: "run-1", onLine })).files;
    assert.deepEqual(
      outcomes.map((o) => [o.path, o.status, o.mode, o.sha256]),
      targets.map((file) => [file.path, "created", file.mode, file.sha256]),
    );
    for (const file of targets) assert.equal(host.readFile(file.path), file.content, file.path);

    const stat = await shell.check(
      shellCommand(["stat", "-c", "%a %U:%G %n", ...targets.map((file) => file.path)]),
    );
    assert.deepEqual(
      stat.stdout.trim().split("\n"),
      targets.map((file) => `${Number.parseInt(file.mode, 8).toString(8)} root:root ${file.path}`),
    );
    assert.deepEqual(consoleTempFiles(host), []);
    assert.deepEqual(hostFiles(host, "/etc/k0s/.backup"), [], "nothing was replaced");
    assert.equal(host.readFile("/install.sh"), undefined);

    const commands = lines.filter(([stream]) => stream === "cmd").map(([, line]) => line);
    assert.deepEqual(
      commands,
      targets.map(
        (file) =>
          `write ${file.path} (${file.mode}, sha256 ${file.sha256.slice(0, 12)}…) unless identical`,
      ),
    );
    for (const file of targets) {
      const body = file.content.split("\n").find((line) => line.trim().length > 20) ?? "";
      assert.ok(!lines.some(([, line]) => line.includes(body)), "file contents are not echoed");
    }
  } finally {
    session.close();
  }
});

test("an identical second write reports every file unchanged and touches none of them", async () => {
  const host = lab.host("alpha");
  const files = renderFor("alpha");
  const targets = absolute(files);
  const before = targets.map((file) => statSync(host.path(file.path)));
  const { session, shell } = await connect("alpha");
  try {
    const outcomes = (await writeNodeFiles(shell, files, { runId: "run-2" })).files;
    assert.deepEqual(
      outcomes.map((o) => o.status),
      targets.map(() => "unchanged"),
    );
    const afterStats = targets.map((file) => statSync(host.path(file.path)));
    assert.deepEqual(
      afterStats.map((s) => [s.ino, s.mtimeMs, s.ctimeMs]),
      before.map((s) => [s.ino, s.mtimeMs, s.ctimeMs]),
    );
    assert.deepEqual(hostFiles(host, "/etc/k0s/.backup"), []);
  } finally {
    session.close();
  }
});

test("a changed file is backed up under /etc/k0s/.backup/<run-id>/ with its old content", async () => {
  const host = lab.host("alpha");
  const old = absolute(renderFor("alpha"));
  const files = renderFor("alpha", 5001);
  const changed = absolute(files).filter(
    (file) => old.find((o) => o.path === file.path)?.sha256 !== file.sha256,
  );
  assert.ok(changed.length > 0, "the new registry port changes some files");
  const { session, shell } = await connect("alpha");
  try {
    const outcomes = (await writeNodeFiles(shell, files, { runId: "run-3" })).files;
    for (const outcome of outcomes) {
      const previous = old.find((o) => o.path === outcome.path);
      if (!changed.some((file) => file.path === outcome.path)) {
        assert.equal(outcome.status, "unchanged", outcome.path);
        continue;
      }
      const backup = `/etc/k0s/.backup/run-3${outcome.path}`;
      assert.equal(outcome.status, "updated", outcome.path);
      assert.equal(outcome.backup, backup);
      assert.equal(outcome.previous?.sha256, previous?.sha256);
      assert.equal(host.readFile(backup), previous?.content, backup);
      assert.equal(statSync(host.path(backup)).mode & 0o777, 0o644, "cp -p keeps the mode");
    }
    assert.deepEqual(
      hostFiles(host, "/etc/k0s/.backup").sort(),
      changed.map((file) => `/etc/k0s/.backup/run-3${file.path}`).sort(),
    );
    // the plan's view of the node now: the new contents
    const now = await readNodeFiles(
      shell,
      absolute(files).map((file) => file.path),
    );
    for (const file of absolute(files)) {
      assert.equal(now.get(file.path)?.content, file.content, file.path);
      assert.equal(now.get(file.path)?.owner, "root:root");
    }
    assert.deepEqual(consoleTempFiles(host), []);
  } finally {
    session.close();
  }
});

test("through sudo with a password on stdin, the content behind it arrives intact", async () => {
  const host = lab.host("alpha");
  const content = `# written by deploy through sudo\nquote = "it's $(id -u) \`x\`"\n${lab.users.deploy.password.length}\n`;
  const file: RenderedFile = {
    path: "/etc/k0s/containerd.d/sudo-check.toml",
    mode: "0600",
    sha256: sha(content),
    content,
  };
  const { session, shell } = await connect("alpha", "deploy");
  try {
    const [outcome] = (await writeNodeFiles(shell, [file], { runId: "run-sudo" })).files;
    assert.equal(outcome?.status, "created");
    assert.equal(host.readFile(file.path), content);
    const stat = statSync(host.path(file.path));
    assert.equal(stat.uid, 0);
    assert.equal(stat.mode & 0o777, 0o600);
    assert.ok(!(host.readFile(file.path) ?? "").includes(lab.users.deploy.password));
  } finally {
    session.close();
  }
});

test("a session killed mid-transfer leaves the old file, never a partial one; another node is unaffected", async () => {
  const beta = lab.host("beta");
  const gamma = lab.host("gamma");
  const target = "/etc/k0s/k0s.yaml";
  const oldContent = "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\n# old\n";
  const line = "# padding so that the upload takes a while ..................................\n";
  const bigContent = `apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\n${line.repeat(Math.ceil((32 << 20) / line.length))}`;
  const old: RenderedFile = {
    path: target,
    mode: "0644",
    sha256: sha(oldContent),
    content: oldContent,
  };
  const big: RenderedFile = {
    path: target,
    mode: "0644",
    sha256: sha(bigContent),
    content: bigContent,
  };
  const bigSize = Buffer.byteLength(bigContent);
  // a second, small file in the same exec: it must not change either when the stream is cut
  const smallPath = "/etc/k0s/containerd.d/kill-check.toml";
  const smallFile = (content: string): RenderedFile => ({
    path: smallPath,
    mode: "0644",
    sha256: sha(content),
    content,
  });
  const smallOld = smallFile("old = true\n");
  const small = smallFile("new = true\n");

  const b = await connect("beta");
  const g = await connect("gamma");
  try {
    await writeNodeFiles(b.shell, [smallOld, old], { runId: "kill-0" });
    await writeNodeFiles(g.shell, [smallOld, old], { runId: "kill-0" });
    assert.equal(beta.readFile(target), oldContent);

    const started = Date.now();
    const onBeta = writeNodeFiles(b.shell, [small, big], { runId: "kill-1" }).then(
      () => assert.fail("the write to beta should have failed"),
      (error: unknown) => error,
    );
    const onGamma = writeNodeFiles(g.shell, [small, big], { runId: "kill-1" });

    // kill beta's sessions once its temp file exists and has started to fill
    const seen = await waitFor(
      "beta's temp file to fill",
      () => {
        const [tmp] = consoleTempFiles(beta);
        const size = tmp ? statSync(beta.path(tmp)).size : 0;
        return size > 0 ? { tmp, size } : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 2 },
    );
    const killed = await lab.killSessions(beta);
    const killedAt = Date.now() - started;
    assert.ok(killed > 0, "some sshd session processes were killed");
    assert.ok(
      seen.size < bigSize,
      `the kill came after the whole upload (${seen.size} bytes): make the file larger`,
    );

    const error = await onBeta;
    assert.ok(error instanceof NodeFileError, `expected a NodeFileError, got ${String(error)}`);
    assert.equal(error.kind, "disconnected");
    assert.equal(error.failure, "disconnected");
    assert.equal(error.path, smallPath, "the error names the exec's first file");
    assert.match(error.message, /writing .*kill-check.toml and 1 more: .*dropped/);

    // the target was never touched: byte-identical to the old version (the new one could not
    // have arrived: its upload was cut short)
    assert.equal(sha(readFileSync(beta.path(target))), old.sha256);
    // the orphaned script sees its stdin end, fails the checksum and removes its temp file
    await waitFor("beta's temp file to be removed", () => consoleTempFiles(beta).length === 0, {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    assert.equal(sha(readFileSync(beta.path(target))), old.sha256);
    assert.equal(beta.readFile(smallPath), smallOld.content);
    assert.deepEqual(hostFiles(beta, "/etc/k0s/.backup/kill-1"), [], "no backup: nothing replaced");

    const [, gammaOutcome] = (await onGamma).files;
    assert.equal(gammaOutcome?.status, "updated");
    assert.equal(sha(readFileSync(gamma.path(target))), big.sha256);
    assert.equal(gamma.readFile(`/etc/k0s/.backup/kill-1${target}`), oldContent);
    assert.deepEqual(consoleTempFiles(gamma), []);

    // a retry in the same run on a new session succeeds and saves the old version
    const retry = await connect("beta");
    try {
      const [, outcome] = (await writeNodeFiles(retry.shell, [small, big], { runId: "kill-1" }))
        .files;
      assert.equal(outcome?.status, "updated");
      assert.equal(outcome?.backup, `/etc/k0s/.backup/kill-1${target}`);
      assert.equal(sha(readFileSync(beta.path(target))), big.sha256);
      assert.equal(beta.readFile(`/etc/k0s/.backup/kill-1${target}`), oldContent);
      assert.deepEqual(consoleTempFiles(beta), []);
    } finally {
      retry.session.close();
    }
    console.log(
      `# kill test: temp file at ${seen.size} of ${bigSize} bytes when beta was killed, ${killedAt} ms after the start`,
    );
  } finally {
    b.session.close();
    g.session.close();
  }
});
