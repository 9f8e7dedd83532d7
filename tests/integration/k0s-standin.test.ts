/**
 * The k0s stand-in (tests/lab/k0s-standin) on real ssh test hosts: it installs, starts the real
 * containerd with the console's rendered mirror files merged the k0s ≤ 1.35 way, pulls k0s's
 * system images through the lab registry and reports them as pods; a broken mirror layout shows
 * as ImagePullBackOff naming the image; join tokens, stop, reset and lab teardown behave.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { after, before, describe, test } from "node:test";
import { render } from "@/lib/render";
import type { MirrorLayout, RenderedFile } from "@/lib/render/types";
import { pullLogOf, pullTraceOf } from "../lab/containerd";
import { LAB_SEED, splitRepoTag } from "../lab/images";
import { parseStandinVersion, standinSeed, systemImagesFor } from "../lab/k0s-standin/images";
import {
  type HostProcess,
  hostProcesses,
  installK0sStandin,
  pidExists,
  readStandinCalls,
  readStandinContainerdLog,
  readStandinState,
  setStandinImages,
} from "../lab/k0s-standin/install";
import { type ImagePull, STANDIN_PATHS } from "../lab/k0s-standin/state";
import { decodeJoinToken } from "../lab/k0s-standin/token";
import type { SshHost, SshLab } from "../lab/ssh-hosts";
import { startSshLab } from "../lab/ssh-hosts";
import { waitFor } from "../lab/wait";

const K0S_VERSION = "1.32.8";
const IMAGES = systemImagesFor(parseStandinVersion(K0S_VERSION));
const ALL_IMAGES = [IMAGES.sandbox, ...IMAGES.pods.map((pod) => pod.image)];
const REGISTRIES = ["registry.k8s.io", "quay.io", "docker.io"];
const BROKEN_PREFIX = "no-such-prefix";
/** the whole file takes ~10 s; the timeout only stops a hang */
const SUITE = { timeout: 60_000 };

let lab: SshLab;
let controller: SshHost;
let other: SshHost;

before(async () => {
  lab = await startSshLab({
    hosts: 2,
    seed: [...new Set([...LAB_SEED, ...standinSeed(K0S_VERSION, "flat")])],
  });
  [controller, other] = lab.hosts as [SshHost, SshHost];
  await Promise.all(
    lab.hosts.map((host) => installK0sStandin(lab, host, { version: K0S_VERSION })),
  );
});

after(async () => {
  await lab?.stop();
});

/** `k0s <args>` on a host over ssh (as root, or as deploy through `sudo -S` with its password). */
async function k0s(
  host: SshHost,
  args: string,
  options: { user?: string; sudoPassword?: string } = {},
) {
  const command = options.sudoPassword === undefined ? `k0s ${args}` : `sudo -S -p '' k0s ${args}`;
  return lab.sshExec(host, command, {
    user: options.user,
    input: options.sudoPassword === undefined ? undefined : `${options.sudoPassword}\n`,
    timeoutMs: 60_000,
  });
}

/** The console's files for one node (everything under /etc/k0s). */
function renderedFiles(
  host: SshHost,
  layout: MirrorLayout,
  role: "controller+worker" | "single" | "worker",
) {
  const registry = lab.registryAddress;
  assert.ok(registry, "the lab has no registry");
  const result = render({
    k0sVersion: K0S_VERSION,
    registries: REGISTRIES,
    mirror: { address: registry, scheme: "http", layout },
    nodes: [{ name: host.name, role }],
  });
  assert.equal(result.configLine, "v2");
  const files = result.nodes[0]?.files.filter((file) => file.path.startsWith("/etc/k0s/")) ?? [];
  assert.ok(
    files.some((file) => file.path === "/etc/k0s/containerd.d/cri-registry.toml"),
    "no CRI drop-in rendered",
  );
  return files;
}

/** Write files onto a host (exact bytes: base64; temp file + rename). */
async function writeFiles(host: SshHost, files: RenderedFile[]) {
  const script = ["set -eu"];
  for (const file of files) {
    const b64 = Buffer.from(file.content, "utf8").toString("base64");
    script.push(
      `mkdir -p ${dirname(file.path)}`,
      `echo ${b64} | base64 -d > ${file.path}.tmp`,
      `chmod ${file.mode} ${file.path}.tmp`,
      `mv -f ${file.path}.tmp ${file.path}`,
    );
  }
  const result = await lab.sshExec(host, script.join("\n"));
  assert.equal(result.code, 0, `writing files on ${host.name}: ${result.stderr}`);
}

interface PodRow {
  namespace: string;
  name: string;
  ready: string;
  status: string;
  image: string;
}

/** `k0s kubectl get pods -A` as rows (no cell has spaces). */
async function getPods(host: SshHost): Promise<{ rows: PodRow[]; text: string }> {
  const result = await k0s(host, "kubectl get pods -A");
  assert.equal(result.code, 0, `kubectl get pods -A on ${host.name}: ${result.stderr}`);
  const [header, ...lines] = result.stdout.trimEnd().split("\n");
  assert.deepEqual(header?.split(/\s+/), [
    "NAMESPACE",
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IMAGE",
  ]);
  const rows = lines.map((line) => {
    const [namespace = "", name = "", ready = "", status = "", , , image = ""] = line.split(/\s+/);
    return { namespace, name, ready, status, image };
  });
  return { rows, text: result.stdout };
}

describe("k0s stand-in", SUITE, () => {
  test("start before install fails clearly; non-root calls are refused and still recorded", async () => {
    const early = await k0s(controller, "start");
    assert.equal(early.code, 1);
    assert.equal(early.stderr, "Error: k0s has not been installed as a service\n");

    const notRoot = await k0s(controller, "start", { user: "deploy" });
    assert.equal(notRoot.code, 1);
    assert.equal(notRoot.stderr, "Error: this command must be run as root\n");

    const version = await k0s(controller, "version");
    assert.equal(version.stdout, "v1.32.8+k0s.0\n");

    const calls = readStandinCalls(controller);
    assert.deepEqual(
      calls.map((call) => [call.argv.join(" "), call.uid, call.exitCode]),
      [
        ["start", 0, 1],
        ["start", 1000, 1],
        ["version", 0, 0],
      ],
    );
    assert.equal(calls[1]?.env.USER, "deploy");
  });

  test("controller --enable-worker with the console's mirror files: every system pod Running via the mirror", async () => {
    await writeFiles(controller, renderedFiles(controller, "flat", "controller+worker"));
    const install = await k0s(
      controller,
      "install controller --enable-worker -c /etc/k0s/k0s.yaml",
    );
    assert.equal(install.code, 0, install.stderr);
    const again = await k0s(controller, "install controller --enable-worker -c /etc/k0s/k0s.yaml");
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /Init already exists: \/etc\/systemd\/system\/k0scontroller\.service/,
    );

    const started = await k0s(controller, "start");
    assert.equal(started.code, 0, started.stderr);

    // status through sudo, as the console's deploy user would
    const status = await k0s(controller, "status", {
      user: "deploy",
      sudoPassword: lab.users.deploy.password,
    });
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      /^Version: v1\.32\.8\+k0s\.0\nProcess ID: \d+\nRole: controller\nWorkloads: true\n/,
    );

    const { rows, text } = await getPods(controller);
    assert.deepEqual(
      rows.map((row) => [row.namespace, row.status, row.ready, row.image]),
      IMAGES.pods.map((pod) => ["kube-system", "Running", "1/1", pod.image]),
      text,
    );

    // k0s ≤ 1.35's merge: the CRI drop-in went into containerd-cri.toml, the main config imports it
    const state = readStandinState(controller);
    const run = state?.running;
    assert.ok(run?.containerd, "no containerd in the stand-in's state");
    assert.deepEqual(run.containerd.mergedDropIns, ["/etc/k0s/containerd.d/cri-registry.toml"]);
    assert.match(
      run.containerd.criConfig ?? "",
      /config_path = "\/etc\/k0s\/containerd\.d\/certs\.d"/,
    );
    assert.match(run.containerd.criConfig ?? "", /sandbox_image = "registry\.k8s\.io\/pause:3\.9"/);
    assert.match(
      controller.readFile("/etc/k0s/containerd.toml") ?? "",
      /^# k0s_managed=true\nversion = 2\nimports = \[ "\/run\/k0s\/containerd-cri\.toml" \]/,
    );

    // every image came from its flat path on the mirror (each seeded path is a distinct image)
    const log = readStandinContainerdLog(controller);
    for (const image of ALL_IMAGES) {
      const pull: ImagePull | undefined = run.pulls.find((p) => p.image === image);
      const seededPath = standinSeed(K0S_VERSION, "flat")[ALL_IMAGES.indexOf(image)] ?? "";
      const trace = pullTraceOf(pullLogOf(log, image));
      assert.ok(pull?.ok, `${image} did not pull: ${pull?.error}\n${trace}`);
      assert.equal(pull.imageRef, lab.registry?.seeded.get(seededPath)?.configDigest, trace);
      const { repo, tag } = splitRepoTag(seededPath);
      const registry = image.slice(0, image.indexOf("/"));
      const url = `http://${lab.registryAddress}/v2/${repo}/manifests/${tag}?ns=${registry}`;
      assert.ok(pullLogOf(log, image).includes(`url="${url}"`), `no request to ${url}\n${trace}`);
      assert.match(
        pullLogOf(log, image),
        new RegExp(`msg=resolved .*host="${lab.registryAddress}"`),
      );
    }

    const calls = readStandinCalls(controller).slice(3);
    assert.deepEqual(
      calls.map((call) => [call.argv.join(" "), call.exitCode]),
      [
        ["install controller --enable-worker -c /etc/k0s/k0s.yaml", 0],
        ["install controller --enable-worker -c /etc/k0s/k0s.yaml", 1],
        ["start", 0],
        ["status", 0],
        ["kubectl get pods -A", 0],
      ],
    );
    assert.equal(calls[3]?.uid, 0);
    assert.equal(calls[3]?.env.SUDO_USER, "deploy");
  });

  test("a broken mirror layout: start succeeds, kubectl reports ImagePullBackOff naming each image", async () => {
    await writeFiles(other, renderedFiles(other, { prefix: BROKEN_PREFIX }, "single"));
    for (const step of ["install controller --single -c /etc/k0s/k0s.yaml", "start", "status"]) {
      const result = await k0s(other, step);
      assert.equal(result.code, 0, `${step}: ${result.stderr}`);
    }
    const { rows, text } = await getPods(other);
    assert.equal(rows.length, IMAGES.pods.length, text);
    for (const [i, pod] of IMAGES.pods.entries()) {
      assert.equal(rows[i]?.status, "ImagePullBackOff", text);
      assert.deepEqual(rows[i]?.image.split(","), [IMAGES.sandbox, pod.image], text);
    }
    const pulls = readStandinState(other)?.running?.pulls ?? [];
    assert.equal(pulls.length, ALL_IMAGES.length);
    for (const pull of pulls) {
      assert.equal(pull.ok, false, `${pull.image} pulled through a broken layout`);
      const { repo, tag } = splitRepoTag(
        `${BROKEN_PREFIX}/${standinSeed(K0S_VERSION)[ALL_IMAGES.indexOf(pull.image)]}`,
      );
      // the mirror was asked (under the missing prefix) and said "not found": no upstream fallback
      assert.match(pull.error ?? "", /not found/, pull.error);
      assert.ok(
        pullLogOf(readStandinContainerdLog(other), pull.image).includes(
          `url="http://${lab.registryAddress}/v2/${repo}/manifests/${tag}?ns=`,
        ),
        pullTraceOf(pullLogOf(readStandinContainerdLog(other), pull.image)),
      );
    }
  });

  test("an image the registry lacks (standin-images override) is the only pod in ImagePullBackOff", async () => {
    const missing = "quay.io/k0sproject/not-in-the-mirror:0.0.1";
    await setStandinImages(lab, controller, [
      ...IMAGES.pods.map((pod) => `${pod.app} ${pod.image}`),
      missing,
    ]);
    try {
      for (const step of ["stop", "start"]) {
        const result = await k0s(controller, step);
        assert.equal(result.code, 0, `${step}: ${result.stderr}`);
      }
      const { rows, text } = await getPods(controller);
      assert.deepEqual(
        rows.map((row) => [row.status, row.image]),
        [...IMAGES.pods.map((pod) => ["Running", pod.image]), ["ImagePullBackOff", missing]],
        text,
      );
    } finally {
      await setStandinImages(lab, controller, undefined);
    }
  });

  test("token create on the controller; a worker installs with it (and refuses bad token files)", async () => {
    const created = await k0s(controller, "token create --role=worker --expiry=1h");
    assert.equal(created.code, 0, created.stderr);
    const token = decodeJoinToken(created.stdout);
    assert.equal(token.role, "worker");
    assert.equal(token.server, `https://${controller.address}:6443`);

    // host 2 still runs its single-node controller: reset must refuse until it stops
    const busy = await k0s(other, "reset");
    assert.equal(busy.code, 1);
    assert.equal(busy.stderr, "Error: k0s seems to be running, please stop k0s before reset\n");
    for (const step of ["stop", "reset"]) {
      const result = await k0s(other, step);
      assert.equal(result.code, 0, `${step}: ${result.stderr}`);
    }

    const missing = await k0s(other, "install worker --token-file /etc/k0s/no-such-token");
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /failed to read token file: open \/etc\/k0s\/no-such-token: no such file or directory/,
    );
    const empty = await lab.sshExec(
      other,
      ": > /etc/k0s/empty-token && k0s install worker --token-file /etc/k0s/empty-token",
    );
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /\/etc\/k0s\/empty-token is empty/);

    await lab.sshExec(other, "cat > /etc/k0s/worker-token", { input: created.stdout });
    // the worker gets correct mirror files this time
    await writeFiles(
      other,
      renderedFiles(other, "flat", "worker").filter((f) => f.path !== "/etc/k0s/k0s.yaml"),
    );
    const install = await k0s(other, "install worker --token-file /etc/k0s/worker-token");
    assert.equal(install.code, 0, install.stderr);
    const recorded = readStandinCalls(other).at(-1);
    assert.equal(
      recorded?.tokenFile?.sha256,
      createHash("sha256").update(created.stdout).digest("hex"),
    );
    assert.equal(readStandinState(other)?.installed?.join?.controller, controller.address);

    const started = await k0s(other, "start");
    assert.equal(started.code, 0, started.stderr);
    const status = await k0s(other, "status");
    assert.match(status.stdout, /Role: worker\nWorkloads: true\n/);
    const pulls = readStandinState(other)?.running?.pulls ?? [];
    assert.deepEqual(
      pulls.map((pull) => [pull.image, pull.ok]),
      ALL_IMAGES.map((image) => [image, true]),
    );
    const kubectl = await k0s(other, "kubectl get pods -A");
    assert.equal(kubectl.code, 1, "a worker has no admin kubeconfig");
    const token2 = await k0s(other, "token create --role=worker");
    assert.equal(token2.code, 1, "a worker cannot create join tokens");
  });

  test("kubeconfig admin on the running controller: admin.conf with the API address, as k0s prints it", async () => {
    const printed = await k0s(controller, "kubeconfig admin");
    assert.equal(printed.code, 0, printed.stderr);
    const adminConf = controller.readFile("/var/lib/k0s/pki/admin.conf") ?? "";
    assert.match(adminConf, /^ {4}server: https:\/\/localhost:6443$/m);
    assert.equal(
      printed.stdout,
      adminConf.replace("https://localhost:6443", `https://${controller.address}:6443`),
    );
    assert.match(printed.stdout, /^ {4}client-key-data: \S{40,}$/m);
    assert.equal((await k0s(controller, "kubeconfig admin")).stdout, printed.stdout, "stable");

    const notRoot = await k0s(controller, "kubeconfig admin", { user: "deploy" });
    assert.equal(notRoot.code, 1);
    const elsewhere = await k0s(controller, "kubeconfig admin --data-dir /var/lib/nothing");
    assert.equal(elsewhere.code, 1);
    assert.equal(
      elsewhere.stderr,
      'Error: admin config "/var/lib/nothing/pki/admin.conf" not found, check if the control plane is initialized on this node\n',
    );
  });

  test("a start under way: status says not running yet, and a second start is refused as k0s refuses it", async () => {
    assert.equal((await k0s(other, "stop")).code, 0);
    const hold = STANDIN_PATHS.holdStart;
    assert.equal((await lab.sshExec(other, `touch ${hold}`)).code, 0);
    const first = k0s(other, "start"); // held once the service counts as started
    await waitFor("the start to be under way", () => readStandinState(other)?.running?.starting, {
      timeoutMs: 30_000,
    });
    const status = await k0s(other, "status");
    assert.equal(status.code, 1);
    assert.match(status.stderr, /k0s is not running/);
    const second = await k0s(other, "start");
    assert.equal(second.code, 1);
    assert.equal(second.stderr, "Error: already running\n");
    assert.equal((await lab.sshExec(other, `rm ${hold}`)).code, 0);
    const started = await first;
    assert.equal(started.code, 0, started.stderr);
    assert.equal((await k0s(other, "status")).code, 0);
  });

  test("stop ends containerd; reset removes /var/lib/k0s and the state but keeps /etc/k0s", async () => {
    const before = hostProcesses(controller).filter((p) => p.comm === "containerd");
    assert.equal(before.length, 1, "one containerd runs on the controller");
    const stopped = await k0s(controller, "stop");
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(
      hostProcesses(controller).filter((p) => /containerd|k0s-standin/.test(p.cmdline)),
      [],
    );
    const status = await k0s(controller, "status");
    assert.equal(status.code, 1);
    assert.match(status.stderr, /k0s is not running/);

    const reset = await k0s(controller, "reset");
    assert.equal(reset.code, 0, reset.stderr);
    const left = await lab.sshExec(
      controller,
      "for p in /var/lib/k0s /run/k0s /etc/systemd/system/k0scontroller.service /etc/k0s/containerd.d/cri-registry.toml /etc/k0s/k0s.yaml; do test -e $p && echo $p; done; true",
    );
    assert.deepEqual(left.stdout.trim().split("\n"), [
      "/etc/k0s/containerd.d/cri-registry.toml",
      "/etc/k0s/k0s.yaml",
    ]);
    assert.equal(readStandinState(controller), undefined);
    const again = await k0s(controller, "start");
    assert.equal(again.stderr, "Error: k0s has not been installed as a service\n");

    // every call on the controller across this file, in order, with its exit code
    assert.deepEqual(
      readStandinCalls(controller).map((call) => `${call.argv.join(" ")} → ${call.exitCode}`),
      [
        "start → 1",
        "start → 1",
        "version → 0",
        "install controller --enable-worker -c /etc/k0s/k0s.yaml → 0",
        "install controller --enable-worker -c /etc/k0s/k0s.yaml → 1",
        "start → 0",
        "status → 0",
        "kubectl get pods -A → 0",
        "stop → 0",
        "start → 0",
        "kubectl get pods -A → 0",
        "token create --role=worker --expiry=1h → 0",
        "kubeconfig admin → 0",
        "kubeconfig admin → 0",
        "kubeconfig admin → 1",
        "kubeconfig admin --data-dir /var/lib/nothing → 1",
        "stop → 0",
        "status → 1",
        "reset → 0",
        "start → 1",
      ],
    );
  });

  test("lab.stop() leaves no stand-in process behind (containerd dies with its host)", async () => {
    const running: HostProcess[] = lab.hosts.flatMap((host) => hostProcesses(host));
    assert.ok(
      running.some((p) => p.comm === "containerd"),
      "the worker's containerd should still run before the lab stops",
    );
    await lab.stop();
    assert.deepEqual(
      running.filter((p) => pidExists(p.pid)),
      [],
      "processes of the hosts survived lab.stop()",
    );
  });
});
