import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { evaluateFleet } from "@/lib/checks/evaluate-fleet";
import { evaluateNode } from "@/lib/checks/evaluate-node";
import { factsScript, SECTION_MARKER } from "@/lib/checks/facts-script";
import { fallbackHttpCommand, parseFallbackOutput } from "@/lib/checks/http-fallback";
import { encodeRequest, parseResponseHead } from "@/lib/checks/http-wire";
import { mirrorRequestFor } from "@/lib/checks/mirror-request";
import { parseFacts, parseListeningPorts } from "@/lib/checks/parse-facts";
import { render } from "@/lib/render";
import { mapLimit } from "@/lib/util/map-limit";

const status = (drafts: { check: string; status: string }[], check: string) =>
  drafts.find((d) => d.check === check)?.status;

describe("facts", () => {
  test("the facts script runs in a real sh and parses into facts", () => {
    const output = execFileSync("sh", ["-c", factsScript()]).toString();
    const facts = parseFacts(output);
    assert.equal(facts.uid, process.getuid?.());
    assert.ok(facts.osRelease.ID, "os-release has an ID");
    assert.equal(facts.arch, execFileSync("uname", ["-m"]).toString().trim());
    assert.ok((facts.memTotalKiB ?? 0) > 0);
    assert.ok((facts.cpus ?? 0) >= 1);
    assert.ok(Math.abs((facts.epochSeconds ?? 0) - Date.now() / 1000) < 5);
    assert.ok(facts.diskFreeKiB["/var/lib/k0s"] !== undefined);
    assert.ok(facts.diskFreeKiB["/etc/k0s"] !== undefined);
    assert.equal(facts.k0s.installed, false);
  });

  test("LISTEN sockets come from /proc/net/tcp (state 0A)", () => {
    const table = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 00000000:192B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1",
      "   1: 0100007F:0050 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1",
      "   0: 00000000000000000000000000000000:2A0A 00000000000000000000000000000000:0000 0A 0 0 0 0 0 3 1",
    ].join("\n");
    assert.deepEqual(parseListeningPorts(table), [6443, 10762]);
  });

  const facts = (overrides: Record<string, string> = {}) => {
    const sections: Record<string, string> = {
      uid: "0",
      "os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian',
      arch: "x86_64",
      kernel: "6.1.0-18-amd64",
      init: "systemd",
      disk: "/var/lib/k0s 52428800\n/etc/k0s 52428800",
      memory: "MemTotal:        4030000 kB",
      cpus: "2",
      time: "1000",
      hostname: "n1",
      "machine-id": "abc",
      listening: "",
      k0s: "absent",
      ...overrides,
    };
    return parseFacts(
      Object.entries(sections)
        .map(([name, body]) => `${SECTION_MARKER}${name}\n${body}`)
        .join("\n"),
    );
  };

  test("a healthy node passes every check", () => {
    const drafts = evaluateNode(facts(), "controller+worker", 1000.2);
    assert.deepEqual(
      drafts.filter((d) => d.status !== "pass").map((d) => d.check),
      [],
    );
  });

  test("each requirement can fail, with a reason", () => {
    const bad = facts({
      uid: "1000",
      arch: "ppc64le",
      kernel: "3.2.0",
      init: "none",
      disk: "/var/lib/k0s 102400\n/etc/k0s 1024",
      memory: "MemTotal: 524288 kB",
      cpus: "0",
      time: "1100",
      listening: "   0: 00000000:192B 00000000:0000 0A 0 0 0 0 0 1 1",
    });
    const drafts = evaluateNode(bad, "controller", 1000);
    for (const check of [
      "privilege.root",
      "os.arch",
      "os.kernel",
      "os.init",
      "disk.var-lib-k0s",
      "disk.etc-k0s",
      "resources.memory",
      "resources.cpu",
      "clock.skew",
      "ports.free",
    ]) {
      assert.equal(status(drafts, check), "fail", check);
      assert.ok((drafts.find((d) => d.check === check)?.reason.length ?? 0) > 5);
    }
  });

  test("below the recommendation is a warning; a small clock skew too", () => {
    const drafts = evaluateNode(
      facts({ memory: "MemTotal: 1572864 kB", cpus: "1", time: "1005" }),
      "controller+worker",
      1000,
    );
    assert.equal(status(drafts, "resources.memory"), "warn");
    assert.equal(status(drafts, "resources.cpu"), "warn");
    assert.equal(status(drafts, "clock.skew"), "warn");
  });

  test("an existing, running k0s is reported, and its ports are not blamed on another program", () => {
    const drafts = evaluateNode(
      facts({
        k0s: "path /usr/local/bin/k0s\nversion v1.32.8+k0s.0\nrunning yes",
        listening: "   0: 00000000:192B 00000000:0000 0A 0 0 0 0 0 1 1",
      }),
      "controller",
      1000,
    );
    assert.equal(status(drafts, "k0s.existing"), "warn");
    assert.match(
      drafts.find((d) => d.check === "k0s.existing")?.reason ?? "",
      /v1\.32\.8\+k0s\.0 at \/usr\/local\/bin\/k0s, running/,
    );
    assert.equal(status(drafts, "ports.free"), "warn");
  });
});

test("hostname and machine-id must be unique across the fleet", () => {
  const results = evaluateFleet([
    { node: "a", hostname: "h1", machineId: "m1" },
    { node: "b", hostname: "h1", machineId: "m2" },
    { node: "c", hostname: "h3", machineId: "m2" },
  ]);
  assert.deepEqual(
    results.get("a")?.map((d) => d.status),
    ["fail", "pass"],
  );
  assert.deepEqual(
    results.get("c")?.map((d) => d.status),
    ["pass", "fail"],
  );
  assert.match(results.get("b")?.[1]?.reason ?? "", /also used by c/);
});

describe("the request containerd will make", () => {
  const pause = { registry: "registry.k8s.io", repository: "pause", tag: "3.9", digest: null };
  const files = (layout: "flat" | "per-registry" | { prefix: string }, defaultMirror = false) =>
    render({
      k0sVersion: "1.32.8",
      registries: ["registry.k8s.io", "quay.io"],
      mirror: { address: "10.0.0.5:5000", scheme: "http", layout, defaultMirror },
    }).nodes[0]?.files ?? [];

  test("flat, per-registry and prefix layouts", () => {
    assert.equal(
      mirrorRequestFor(pause, files("flat"))?.url,
      "http://10.0.0.5:5000/v2/pause/manifests/3.9?ns=registry.k8s.io",
    );
    assert.equal(
      mirrorRequestFor(pause, files("per-registry"))?.url,
      "http://10.0.0.5:5000/v2/registry.k8s.io/pause/manifests/3.9?ns=registry.k8s.io",
    );
    assert.equal(
      mirrorRequestFor(pause, files({ prefix: "k0rdent-enterprise" }))?.url,
      "http://10.0.0.5:5000/v2/k0rdent-enterprise/pause/manifests/3.9?ns=registry.k8s.io",
    );
  });

  test("a registry without a hosts.toml goes upstream unless _default catches it", () => {
    const ghcr = {
      registry: "ghcr.io",
      repository: "k0rdent/kcm/controller",
      tag: null,
      digest: `sha256:${"a".repeat(64)}`,
    };
    assert.equal(mirrorRequestFor(ghcr, files("flat")), null);
    const viaDefault = mirrorRequestFor(ghcr, files("flat", true));
    assert.equal(viaDefault?.hostsDir, "_default");
    assert.equal(
      viaDefault?.url,
      `http://10.0.0.5:5000/v2/k0rdent/kcm/controller/manifests/sha256:${"a".repeat(64)}?ns=ghcr.io`,
    );
  });
});

describe("HTTP from the node", () => {
  test("the request line, host and close", () => {
    const wire = encodeRequest({
      method: "HEAD",
      url: new URL("http://10.0.0.5:5000/v2/pause/manifests/3.9?ns=registry.k8s.io"),
      headers: { Accept: "a/b" },
    });
    assert.match(
      wire,
      /^HEAD \/v2\/pause\/manifests\/3\.9\?ns=registry\.k8s\.io HTTP\/1\.1\r\nHost: 10\.0\.0\.5:5000\r\n/,
    );
    assert.match(wire, /\r\nConnection: close\r\n/);
    assert.ok(wire.endsWith("Accept: a/b\r\n\r\n"));
  });

  test("the status is read once the head is complete", () => {
    assert.equal(parseResponseHead("HTTP/1.1 404 Not Found\r\nContent-Type: x"), null);
    assert.equal(parseResponseHead("HTTP/1.1 404 Not Found\r\n\r\n")?.status, 404);
    assert.throws(() => parseResponseHead("SSH-2.0-OpenSSH\r\n\r\n"), /not an HTTP response/);
  });

  test("the curl/wget fallback passes a hostile URL as one argument and reads the status", () => {
    const bin = mkdtempSync(path.join(tmpdir(), "fake-curl-"));
    try {
      // a stand-in curl that records its arguments and answers 200
      writeFileSync(
        path.join(bin, "curl"),
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/args"\nprintf 200\n',
        { mode: 0o755 },
      );
      const url = new URL(`http://10.0.0.5:5000/v2/x';touch\u0024{IFS}${bin}/MARK;'/manifests/1`);
      const command = fallbackHttpCommand(
        { method: "HEAD", url, headers: { Accept: "a/b, c/d" } },
        { hasCa: true, skipVerify: false },
      );
      const stdout = execFileSync("sh", ["-c", command], {
        env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` },
        input: "PEM",
      }).toString();
      assert.deepEqual(parseFallbackOutput(stdout), { status: 200 });
      assert.equal(existsSync(path.join(bin, "MARK")), false);
      const args = readFileSync(path.join(bin, "args"), "utf8").split("\n");
      assert.ok(args.includes(url.toString()));
      assert.ok(args.includes("Accept: a/b, c/d"));
      assert.ok(args.includes("/dev/stdin"));
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test("fallback output without a status explains itself", () => {
    assert.deepEqual(parseFallbackOutput("000"), { error: "no HTTP answer (000)" });
    assert.deepEqual(
      parseFallbackOutput("000", "curl: (6) Could not resolve host: registry.lan\n"),
      { error: "no HTTP answer (000): curl: (6) Could not resolve host: registry.lan" },
    );
    assert.match(
      (parseFallbackOutput("no-http-client") as { error: string }).error,
      /neither curl nor wget/,
    );
  });
});

test("mapLimit keeps order and never runs more than the limit at once", async () => {
  let running = 0;
  let peak = 0;
  const results = await mapLimit([5, 1, 4, 2, 3], 2, async (value) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    return value * 10;
  });
  assert.deepEqual(results, [50, 10, 40, 20, 30]);
  assert.equal(peak, 2);
});
