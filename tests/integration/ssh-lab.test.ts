/**
 * The ssh lab itself (tests/lab/ssh-hosts.ts), checked with the system OpenSSH client and
 * sshpass: real sshd hosts with their own identity and filesystem, the lab's users and keys,
 * the registry, the bastion, every fault, and a teardown (also after a crash) that leaves nothing.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { listLinks, listNetns } from "../lab/netns";
import { type SshHost, type SshLab, startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

/** the whole file takes ~20 s; the timeout only stops a hang */
const SUITE = { timeout: 90_000 };

interface CrashedRun {
  runId: string;
  stateDir: string;
  bridge: string;
  hosts: { netns: string; pid1: number }[];
}

/** Start a lab in a child process and SIGKILL it: what it leaves is a crashed run's leftovers. */
async function crashALab(): Promise<CrashedRun> {
  const cli = join(__dirname, "..", "lab", "ssh-lab-cli.ts");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", cli, "2"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const line = await waitFor(
      "the child lab to come up",
      () => out.split("\n").find((l) => l.startsWith("{")),
      {
        timeoutMs: 30_000,
        describe: () => err.slice(-2_000),
      },
    );
    return JSON.parse(line) as CrashedRun;
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

/** Alive and not a zombie (this machine's PID 1 reaps orphans only now and then). */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function mountPoints(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter(Boolean);
}

/** Pids of processes whose command line mentions `token` (e.g. a run's state dir). */
function processesMentioning(token: string): number[] {
  const pids: number[] = [];
  for (const entry of execFileSync("ls", ["/proc"], { encoding: "utf8" }).split("\n")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(token)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

const REAL_MACHINE_ID = readFileSync("/etc/machine-id", "utf8").trim();

describe("ssh lab: real OpenSSH test hosts", SUITE, () => {
  let crashed: CrashedRun;
  let lab: SshLab;
  let node1: SshHost; // the bastion
  let node2: SshHost;
  let node3: SshHost; // AllowTcpForwarding no
  let inner: SshHost; // only reachable through node-01

  before(async () => {
    crashed = await crashALab();
    lab = await startSshLab({
      hosts: [
        { name: "node-01" },
        { name: "node-02" },
        { name: "node-03", forwarding: false },
        { name: "inner-01", behind: "node-01" },
      ],
    });
    [node1, node2, node3, inner] = ["node-01", "node-02", "node-03", "inner-01"].map((name) =>
      lab.host(name),
    ) as [SshHost, SshHost, SshHost, SshHost];
  });

  after(async () => {
    await lab?.stop();
  });

  test("a crashed run's leftovers are gone once the next run has started", () => {
    assert.ok(crashed.hosts.length === 2 && crashed.hosts.every((h) => h.pid1 > 0));
    const netns = listNetns();
    for (const host of crashed.hosts) {
      assert.ok(!netns.includes(host.netns), `${host.netns} is still there`);
      assert.ok(!processAlive(host.pid1), `the crashed run's sshd ${host.pid1} still runs`);
    }
    assert.ok(!existsSync(crashed.stateDir), `${crashed.stateDir} is still there`);
    assert.deepEqual(
      mountPoints().filter((point) => point.startsWith(crashed.stateDir)),
      [],
      "mounts under the crashed run's state dir",
    );
    assert.deepEqual(processesMentioning(crashed.stateDir), []);
    // its bridge may have been re-created by this run under the same name, but not as its own
    assert.ok(
      !execFileSync("ip", ["-j", "link", "show"], { encoding: "utf8" }).includes(crashed.runId),
    );
  });

  test("each host has its own hostname, machine-id and address", async () => {
    const seen = await Promise.all(
      lab.hosts.map(async (host) => {
        const result = await lab.sshExec(
          host,
          "hostname; cat /etc/machine-id; ip -4 -o addr show dev eth0; cat /proc/1/comm; ip route show default",
        );
        assert.equal(result.code, 0, `${host.name}: ${result.stderr}`);
        const [hostname, machineId, addr, pid1, defaultRoute] = result.stdout.split("\n");
        assert.equal(hostname, host.name);
        assert.equal(machineId, host.machineId);
        assert.match(addr ?? "", new RegExp(` inet ${host.address.replaceAll(".", "\\.")}/`));
        assert.equal(pid1, "sshd", "sshd is PID 1");
        assert.equal(
          defaultRoute,
          "",
          `${host.name} has a default route: airgapped hosts must not`,
        );
        return machineId;
      }),
    );
    assert.equal(new Set([...seen, REAL_MACHINE_ID]).size, lab.hosts.length + 1);
    assert.equal(new Set(lab.hosts.map((h) => h.address)).size, lab.hosts.length);
  });

  test("/etc/k0s, /usr/local/bin and /var/lib are private to each host", async () => {
    const marker = `written on node-02 ${Date.now()}`;
    const paths = [
      "/etc/k0s/lab-proof.txt",
      "/usr/local/bin/k0lab-proof",
      "/var/lib/k0lab-proof/x",
    ];
    const write = paths.map(
      (p) => `mkdir -p ${p.replace(/\/[^/]+$/, "")} && echo '${marker}' > ${p}`,
    );
    const wrote = await lab.sshExec(node2, write.join(" && "));
    assert.equal(wrote.code, 0, wrote.stderr);
    for (const path of paths) {
      assert.equal(node2.readFile(path), `${marker}\n`, `node-02's ${path} via host.path()`);
      assert.ok(!existsSync(path), `${path} leaked onto the real machine`);
      assert.equal(node3.readFile(path), undefined);
    }
    const other = await lab.sshExec(node3, `cat ${paths.join(" ")}`);
    assert.notEqual(other.code, 0, "node-03 sees node-02's files");
    assert.ok(!other.stdout.includes(marker));
    // /root and /home are the hosts' own, not the real machine's
    const homes = await lab.sshExec(node3, "ls -A /home; ls -A /root");
    assert.deepEqual(homes.stdout.trim().split("\n"), ["deploy", "nopass", ".ssh"]);
  });

  test("root logs in with every client key type, never with its password", async () => {
    for (const key of Object.values(lab.keys)) {
      const result = await lab.sshExec(node2, "id -u", { key });
      assert.equal(result.code, 0, `${key.name}: ${result.stderr}`);
      assert.equal(result.stdout, "0\n", key.name);
    }
    assert.match(lab.keys.rsa.privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
    const pass = lab.keys.ed25519Passphrase;
    assert.equal(pass.passphrase, "secret-passphrase");
    const unlocked = execFileSync("ssh-keygen", ["-y", "-P", pass.passphrase, "-f", pass.path], {
      encoding: "utf8",
    });
    assert.equal(unlocked.split(" ")[1], pass.publicKey.split(" ")[1]);
    assert.throws(() =>
      execFileSync("ssh-keygen", ["-y", "-P", "wrong", "-f", pass.path], { stdio: "pipe" }),
    );
    // root has a real password (so only sshd's PermitRootLogin prohibit-password refuses it)
    const shadowRoot = node2
      .readFile("/etc/shadow")
      ?.split("\n")
      .find((l) => l.startsWith("root:"));
    assert.match(shadowRoot ?? "", /^root:\$6\$/);
    const byPassword = await lab.sshExec(node2, "id -u", { password: lab.users.root.password });
    assert.notEqual(byPassword.code, 0, "root logged in with a password");
    assert.equal(byPassword.stdout, "");
  });

  test("deploy logs in with its password; sudo -S wants that password", async () => {
    const deploy = { user: "deploy", password: lab.users.deploy.password };
    const [whoami, sudo, wrongSudo, wrongLogin] = await Promise.all([
      lab.sshExec(node2, "id -un; id -u", deploy),
      lab.sshExec(node2, "sudo -S -p '' id -u", { ...deploy, input: `${deploy.password}\n` }),
      lab.sshExec(node3, "sudo -S -p '' id -u", { ...deploy, input: "not-the-password\n" }),
      lab.sshExec(node2, "true", { user: "deploy", password: "not-the-password" }),
    ]);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.equal(whoami.stdout, "deploy\n1000\n");
    assert.equal(sudo.code, 0, sudo.stderr);
    assert.equal(sudo.stdout, "0\n");
    assert.notEqual(wrongSudo.code, 0);
    assert.equal(wrongSudo.stdout, "");
    assert.match(wrongSudo.stderr, /incorrect password/);
    assert.notEqual(wrongLogin.code, 0);
    const nopass = await lab.sshExec(node2, "sudo -n id -u", { user: "nopass" });
    assert.equal(nopass.stdout, "0\n", nopass.stderr);
    const deployNoPassword = await lab.sshExec(node2, "sudo -n id -u", { user: "deploy" });
    assert.notEqual(deployNoPassword.code, 0, "deploy's sudo must ask for a password");
  });

  test("the registry answers /v2/ from inside the hosts; blockPort cuts one host off", async () => {
    assert.ok(lab.registryAddress);
    const curl = `curl -sS -m 3 -o /dev/null -w '%{http_code}' http://${lab.registryAddress}/v2/`;
    for (const host of [node2, inner]) {
      const result = await lab.sshExec(host, curl);
      assert.equal(result.stdout, "200", `${host.name}: ${result.stderr}`);
    }
    const catalog = await lab.sshExec(node2, `curl -sf http://${lab.registryAddress}/v2/_catalog`);
    assert.ok(
      (JSON.parse(catalog.stdout) as { repositories: string[] }).repositories.includes("pause"),
    );
    await lab.blockPort(node2, 5000);
    const blocked = await lab.sshExec(node2, curl);
    assert.notEqual(blocked.code, 0, "node-02 still reaches the registry");
    const neighbour = await lab.sshExec(node3, curl);
    assert.equal(neighbour.stdout, "200", "blockPort(node-02) must not affect node-03");
    await lab.unblockPort(node2, 5000);
    assert.equal((await lab.sshExec(node2, curl)).stdout, "200");
  });

  test("a second registry can lack an image the first one has", async () => {
    const partial = await lab.startRegistry({
      name: "partial registry",
      port: 5001,
      seed: ["calico/node:v3.29.4"],
    });
    assert.equal(partial.address, `${lab.gateway}:5001`);
    const manifest = (address: string, path: string) =>
      lab.sshExec(
        inner,
        `curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' http://${address}/v2/${path}`,
      );
    const [hasPause, lacksPause, hasCalico] = await Promise.all([
      manifest(lab.registryAddress ?? "", "pause/manifests/3.9"),
      manifest(partial.address, "pause/manifests/3.9"),
      manifest(partial.address, "calico/node/manifests/v3.29.4"),
    ]);
    assert.equal(hasPause.stdout, "200", hasPause.stderr);
    assert.equal(lacksPause.stdout, "404", lacksPause.stderr);
    assert.equal(hasCalico.stdout, "200", hasCalico.stderr);
  });

  test("a host behind the bastion is reachable only through it", async () => {
    const direct = await lab.sshExec(inner, "hostname", { jump: false, connectTimeoutSec: 2 });
    assert.equal(direct.code, 255, "reached the inner host without the bastion");
    const viaMinusJ = execFileSync(
      "ssh",
      ["-F", lab.sshConfig, "-J", `root@${node1.address}`, `root@${inner.address}`, "hostname"],
      { encoding: "utf8", timeout: 15_000 },
    );
    assert.equal(viaMinusJ, "inner-01\n");
    const throughNoForwarding = await lab.sshExec(inner, "hostname", { jump: node3 });
    assert.equal(throughNoForwarding.code, 255, "node-03 (forwarding: false) forwarded anyway");
  });

  test("killSessions drops a running session", async () => {
    const running = lab.sshExec(
      node2,
      "echo started > /tmp/k0lab-session; sleep 30; echo finished",
    );
    await waitFor("the session to start", () => node2.readFile("/tmp/k0lab-session"), {
      timeoutMs: 10_000,
    });
    assert.ok((await lab.killSessions(node2)) > 0);
    const result = await running;
    assert.equal(result.code, 255);
    assert.ok(!result.stdout.includes("finished"));
    assert.equal((await lab.sshExec(node2, "echo back")).stdout, "back\n");
  });

  test("partition makes a host unreachable until heal", async () => {
    await lab.partition(node3);
    const cut = await lab.sshExec(node3, "true", { connectTimeoutSec: 2 });
    assert.equal(cut.code, 255);
    assert.match(cut.stderr, /timed out/i);
    await lab.heal(node3);
    assert.equal((await lab.sshExec(node3, "hostname")).stdout, "node-03\n");
  });

  test("freeze: connecting times out at the banner; thaw: the host answers again", async () => {
    await lab.freeze(node3);
    const frozen = await lab.sshExec(node3, "true", { connectTimeoutSec: 2 });
    assert.equal(frozen.code, 255);
    assert.match(frozen.stderr, /banner exchange/);
    await lab.thaw(node3);
    assert.equal((await lab.sshExec(node3, "hostname")).stdout, "node-03\n");
  });

  test("down: connection refused; restart: the same host with its files", async () => {
    assert.equal((await lab.sshExec(node2, "echo kept > /etc/k0lab-kept")).code, 0);
    await lab.down(node2);
    assert.equal(node2.running(), false);
    const refused = await lab.sshExec(node2, "true", { connectTimeoutSec: 2 });
    assert.equal(refused.code, 255);
    assert.match(refused.stderr, /Connection refused/);
    await lab.restart(node2);
    const back = await lab.sshExec(node2, "hostname; cat /etc/k0lab-kept");
    assert.equal(back.stdout, "node-02\nkept\n", back.stderr);
  });

  test("regenerateHostKey changes the host key that clients see", async () => {
    const before = node2.fingerprint;
    const keygen = (host: SshHost) =>
      execFileSync("ssh-keygen", ["-lf", host.path("/etc/ssh/ssh_host_ed25519_key.pub")], {
        encoding: "utf8",
      }).split(" ")[1];
    assert.equal(keygen(node2), before, "fingerprint as ssh-keygen -lf prints it");
    const knownHosts = join(lab.run.dir, "known_hosts");
    writeFileSync(knownHosts, `${node2.address} ${node2.hostPublicKey}\n`);
    const strict = ["-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHosts}`];
    assert.equal((await lab.sshExec(node2, "true", { args: strict })).code, 0);

    const after = await lab.regenerateHostKey(node2);
    assert.notEqual(after, before);
    assert.equal(node2.fingerprint, after);
    assert.equal(keygen(node2), after);
    const changed = await lab.sshExec(node2, "true", { args: strict });
    assert.equal(changed.code, 255);
    assert.match(changed.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    const seen = await lab.sshExec(node2, "true", { args: ["-v"] });
    assert.ok(seen.stderr.includes(`Server host key: ssh-ed25519 ${after}`), seen.stderr);
  });

  test("stop() leaves nothing behind", async () => {
    const pids = lab.hosts.map((host) => host.pid1()).filter((pid) => pid !== undefined);
    assert.equal(pids.length, lab.hosts.length);
    const { dir, id } = lab.run;
    const netns = lab.hosts.map((host) => host.netns);
    const bridge = lab.bridge;
    await lab.stop();
    assert.deepEqual(
      listNetns().filter((name) => netns.includes(name)),
      [],
    );
    const links = await listLinks();
    assert.deepEqual(
      links.filter((link) => link.name === bridge || link.alias === id),
      [],
    );
    assert.deepEqual(
      pids.filter((pid) => processAlive(pid)),
      [],
    );
    assert.deepEqual(processesMentioning(dir), []);
    assert.deepEqual(
      mountPoints().filter((point) => point.startsWith(dir)),
      [],
    );
    assert.ok(!existsSync(dir));
  });
});
