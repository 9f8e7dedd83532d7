/**
 * Attacks on the k0s binaries a run uploads, against the built console: a run can only name a
 * binary uploaded to the console's store (by sha256), never a file of the console machine, and
 * its refusal says nothing about which paths exist. Uploads must be Linux executables.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sampleTree } from "../bench/proc-tree";
import { type RunningConsole, startConsole } from "../lab/console-server";
import { NOT_EXECUTABLES, syntheticK0s } from "../lab/elf-files";
import { k0sStandinExecutable } from "../lab/k0s-standin/install";
import { LAB_OVERRIDE } from "../lab/lab-inventory";
import { waitFor } from "../lab/wait";

const MUST_BE_SHA = (field: string) =>
  `${field} must be the sha256 of an uploaded binary: upload it with POST /api/binaries`;

let server: RunningConsole;
let scratch: string;

before(async () => {
  server = await startConsole();
  scratch = mkdtempSync(path.join(tmpdir(), "binaries-attack-"));
  await ok("PUT", "/api/settings", {
    k0sVersion: "1.32.8",
    registries: ["registry.k8s.io"],
    mirror: { address: "127.0.0.1:5000", scheme: "http" },
  });
  // nothing listens on port 1: an apply fails at connect, before anything is sent
  await ok("POST", "/api/nodes", {
    name: "n1",
    address: "127.0.0.1",
    port: 1,
    user: "root",
    role: "single",
    auth: { kind: "password", password: "not-used-here" },
    sudo: { mode: "none" },
    // a key to expect: the checks gate lets an override through only to a node it could trust
    expectedFingerprint: `SHA256:${"A".repeat(43)}`,
  });
});

after(async () => {
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function call(method: string, route: string, body?: unknown): Promise<Response> {
  const binary = body instanceof Uint8Array || typeof body === "string";
  return fetch(`${server.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      "content-type": binary ? "application/octet-stream" : "application/json",
    },
    body:
      body === undefined
        ? undefined
        : binary
          ? new Blob([Buffer.from(body)])
          : JSON.stringify(body),
  });
}

async function ok(method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await call(method, route, body);
  const text = await response.text();
  assert.ok(response.ok, `${method} ${route}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

interface Binary {
  sha256: string;
  size: number;
  kind: string;
  arch: string | null;
  version: string;
  name: string;
}

async function upload(bytes: Uint8Array | string, name = "k0s") {
  const response = await call("POST", `/api/binaries?name=${encodeURIComponent(name)}`, bytes);
  return {
    status: response.status,
    body: (await response.json()) as { binary: Binary; error?: string },
  };
}

/** the console's process: the one holding its listening socket (next renames its process title) */
function consolePid(): number {
  const port = Number(new URL(server.url).port).toString(16).toUpperCase().padStart(4, "0");
  const inode = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1]?.endsWith(`:${port}`) && fields[3] === "0A")?.[9];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`))
        return Number(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  throw new Error(`no process listens on ${server.url}`);
}

const storeFiles = () => readdirSync(path.join(server.dataDir, "binaries"));
/** an apply naming `ref` as its one binary, or (with `arch`) as the binary for that architecture */
const startApply = (ref: string, arch?: "amd64" | "arm64") =>
  call("POST", "/api/runs", {
    action: "apply",
    nodes: ["n1"],
    ...(arch ? { k0sBinaries: { [arch]: ref } } : { k0sBinary: ref }),
    ...LAB_OVERRIDE,
  });

describe("a run names a stored binary, never a path", () => {
  test("every path is refused with one and the same message, whether it exists or not", async () => {
    const outside = path.join(scratch, "k0s");
    writeFileSync(outside, "#!/bin/sh\n# v1.32.8+k0s.0\n", { mode: 0o755 });
    const link = path.join(scratch, "link-to-db");
    symlinkSync(path.join(server.dataDir, "console.sqlite"), link);
    const { body } = await upload(syntheticK0s("amd64"));
    const paths = [
      "/etc/passwd",
      "/etc/no-such-file",
      "/proc/self/environ",
      "/proc/self/no-such-entry",
      path.join(server.dataDir, "secret.key"),
      path.join(server.dataDir, "console.sqlite"),
      path.join(server.dataDir, "no-such-file"),
      link,
      outside,
      // a stored binary's own file, named by its path
      path.join(server.dataDir, "binaries", body.binary.sha256),
      "../console.sqlite",
      "secret.key",
      `${body.binary.sha256}/../../console.sqlite`,
      `./${body.binary.sha256}`,
    ];
    for (const value of paths)
      for (const [arch, field] of [
        [undefined, "k0sBinary"],
        ["amd64", "k0sBinaries.amd64"],
      ] as const) {
        const response = await startApply(value, arch);
        assert.equal(response.status, 400, value);
        assert.deepEqual(
          await response.json(),
          { error: MUST_BE_SHA(field), code: "bad_request:run" },
          value,
        );
      }
    const { runs } = (await ok("GET", "/api/runs")) as { runs: unknown[] };
    assert.equal(runs.length, 0, "no run started");
  });

  test("an unknown sha256 is refused naming only the sha256, even when a file of that name sits in the store", async () => {
    const sha = "ab".repeat(32);
    // planted beside the stored binaries, pointing out of the store: never a stored binary
    symlinkSync("/etc/passwd", path.join(server.dataDir, "binaries", sha));
    const response = await startApply(sha);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: `k0sBinary: no uploaded binary has sha256 ${sha}: upload it with POST /api/binaries`,
      code: "bad_request:run",
    });
    rmSync(path.join(server.dataDir, "binaries", sha));
  });

  test("an apply records the sha256 for its architecture, and its retry carries it", async () => {
    const { body } = await upload(syntheticK0s("arm64"));
    const sha = body.binary.sha256;
    const started = (await (await startApply(sha.toUpperCase(), "arm64")).json()) as {
      id: string;
    };
    const finished = await waitFor(
      "the apply to fail at connect",
      async () => {
        const { run } = (await ok("GET", `/api/runs/${started.id}`)) as {
          run: { status: string; inputs: { k0sBinaries?: unknown } };
        };
        return run.status !== "running" && run;
      },
      { timeoutMs: 30_000, describe: () => server.logTail() },
    );
    assert.equal(finished.status, "failed");
    assert.deepEqual(finished.inputs.k0sBinaries, { arm64: sha });
    const retry = (await ok("POST", `/api/runs/${started.id}/retry`, {})) as { id: string };
    const { run } = (await ok("GET", `/api/runs/${retry.id}`)) as {
      run: { inputs: { k0sBinaries?: unknown; retryOf?: string } };
    };
    assert.deepEqual(run.inputs.k0sBinaries, { arm64: sha });
    assert.equal(run.inputs.retryOf, started.id);
  });
});

describe("uploads", () => {
  for (const { what, bytes, message } of NOT_EXECUTABLES) {
    test(`${what} is refused, saying what it is`, async () => {
      const before = storeFiles();
      const { status, body } = await upload(Buffer.concat([bytes, Buffer.alloc(100_000, 0x20)]));
      assert.equal(status, 400);
      assert.match(body.error ?? "", /^not a k0s binary: /);
      assert.match(body.error ?? "", message);
      assert.deepEqual(storeFiles(), before, "nothing is left in the store");
    });
  }

  test("an ELF without a k0s version is refused", async () => {
    const { status, body } = await upload(syntheticK0s("amd64", { version: "v1.32.8" }));
    assert.equal(status, 400);
    assert.match(body.error ?? "", /no k0s version/);
  });

  test("the stand-in is kept as a script with its baked-in version", async () => {
    const { status, body } = await upload(
      await k0sStandinExecutable({ version: "1.33.1" }),
      "k0s stand-in",
    );
    assert.equal(status, 201);
    assert.equal(body.binary.kind, "script");
    assert.equal(body.binary.arch, null);
    assert.equal(body.binary.version, "v1.33.1+k0s.0");
    assert.equal(body.binary.name, "k0s_stand-in");
  });

  for (const arch of ["amd64", "arm64", "arm"] as const) {
    test(`a ${arch} ELF records its arch and version, and is stored once`, async () => {
      const bytes = syntheticK0s(arch, { padding: 300_000 });
      const first = await upload(bytes, `k0s-${arch}`);
      assert.equal(first.status, 201);
      assert.equal(first.body.binary.arch, arch);
      assert.equal(first.body.binary.version, "v1.32.8+k0s.0");
      assert.equal(first.body.binary.size, bytes.length);
      const second = await upload(bytes, "again");
      assert.equal(second.status, 200);
      assert.deepEqual(second.body.binary, first.body.binary);
      const { binaries } = (await ok("GET", "/api/binaries")) as { binaries: Binary[] };
      assert.equal(binaries.filter((b) => b.sha256 === first.body.binary.sha256).length, 1);
      assert.equal(storeFiles().filter((file) => file === first.body.binary.sha256).length, 1);
    });
  }

  test("a body declared larger than 1 GiB is refused with 413 before it is read", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.url}/api/binaries`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            authorization: `Bearer ${server.token}`,
            "content-length": String(1024 ** 3 + 1),
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", reject);
      req.write(Buffer.from(syntheticK0s("amd64")));
    });
    assert.equal(status, 413);
  });

  test("an upload streamed past 1 GiB is cut with 413, never held in memory, and leaves nothing", async (t) => {
    const started = Date.now();
    const memory = sampleTree(consolePid());
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.url}/api/binaries`);
      let answered = false;
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { authorization: `Bearer ${server.token}` }, // chunked: no declared length
        },
        (response) => {
          answered = true;
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      req.on("error", (error) => (answered ? undefined : reject(error)));
      const chunk = Buffer.alloc(1024 ** 2);
      const send = () => {
        while (!answered && sent <= 1024 ** 3 + 2 * chunk.length) {
          sent += chunk.length;
          if (
            !req.write(
              sent === chunk.length ? Buffer.concat([syntheticK0s("amd64"), chunk]) : chunk,
            )
          )
            return void req.once("drain", send);
        }
        req.end();
      };
      send();
    });
    const { rssMiB } = memory.stop();
    t.diagnostic(
      `413 after ${sent} bytes in ${Date.now() - started} ms; console peak RSS ${rssMiB} MiB`,
    );
    assert.equal(status, 413);
    assert.ok(sent > 1024 ** 3, `answered after ${sent} bytes`);
    assert.ok(rssMiB < 600, `the console grew to ${rssMiB} MiB receiving a 1 GiB upload`);
    assert.deepEqual(
      storeFiles().filter((file) => file.startsWith(".upload-")),
      [],
    );
  });

  test("delete removes a binary; a run naming it afterwards is refused; a path is never deleted", async () => {
    const { body } = await upload(syntheticK0s("amd64", { version: "v1.34.0+k0s.0" }));
    const sha = body.binary.sha256;
    const traversal = await call(
      "DELETE",
      `/api/binaries/${encodeURIComponent("../console.sqlite")}`,
    );
    assert.equal(traversal.status, 404);
    assert.ok(existsSync(path.join(server.dataDir, "console.sqlite")));
    assert.equal((await call("DELETE", `/api/binaries/${sha}`)).status, 204);
    assert.ok(!storeFiles().includes(sha));
    assert.equal((await call("DELETE", `/api/binaries/${sha}`)).status, 404);
    const response = await startApply(sha);
    assert.equal(response.status, 400);
    assert.match(
      ((await response.json()) as { error: string }).error,
      /no uploaded binary has sha256/,
    );
  });

  test("the binary routes need the token", async () => {
    for (const [method, route] of [
      ["GET", "/api/binaries"],
      ["POST", "/api/binaries"],
      ["GET", `/api/binaries/${"0".repeat(64)}`],
      ["DELETE", `/api/binaries/${"0".repeat(64)}`],
    ]) {
      const response = await fetch(`${server.url}${route}`, {
        method,
        body: method === "POST" ? "#!/bin/sh\n" : undefined,
      });
      assert.equal(response.status, 401, `${method} ${route}`);
    }
  });
});
