import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { readHostKey, type SshAuth, type SshEndpoint, SshSession } from "@/lib/ssh/client";
import { SshError } from "@/lib/ssh/errors";
import { RootShell } from "@/lib/ssh/root-shell";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";

let lab: SshLab;
before(async () => {
  lab = await startSshLab({
    hosts: [
      { name: "alpha" },
      { name: "beta" },
      { name: "gamma" },
      { name: "inner", behind: "gamma" },
      { name: "rekey" },
      { name: "down" },
      { name: "frozen" },
    ],
    seed: false,
  });
});
after(async () => {
  await lab?.stop();
});

function endpoint(name: string, overrides: Partial<SshEndpoint> = {}): SshEndpoint {
  const host = lab.host(name);
  return {
    host: host.address,
    port: host.port,
    username: "root",
    auth: { kind: "key", privateKey: lab.keys.ed25519.privateKey },
    hostKey: { pinned: host.fingerprint, expected: null },
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<SshError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SshError, `expected an SshError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a failure");
}

describe("authentication", () => {
  for (const name of ["ed25519", "ed25519Passphrase", "rsa", "ecdsa"] as const) {
    test(`root logs in with the ${name} key`, async () => {
      const key = lab.keys[name];
      const session = await SshSession.open(
        endpoint("alpha", {
          auth: { kind: "key", privateKey: key.privateKey, passphrase: key.passphrase },
        }),
      );
      try {
        const result = await session.exec("id -u; cat /proc/sys/kernel/hostname");
        assert.equal(result.code, 0);
        assert.equal(result.stdout, "0\nalpha\n");
      } finally {
        session.close();
      }
    });
  }

  test("a passphrase key without its passphrase, or with a wrong one, says so", async () => {
    const privateKey = lab.keys.ed25519Passphrase.privateKey;
    assert.equal(
      (await failure(SshSession.open(endpoint("alpha", { auth: { kind: "key", privateKey } }))))
        .kind,
      "passphrase",
    );
    const wrong = await failure(
      SshSession.open(endpoint("alpha", { auth: { kind: "key", privateKey, passphrase: "nope" } })),
    );
    assert.equal(wrong.kind, "passphrase");
    assert.match(wrong.message, /wrong passphrase/);
  });

  test("password login; a rejected login lists the methods the server offers", async () => {
    const deploy: SshAuth = { kind: "password", password: lab.users.deploy.password };
    const session = await SshSession.open(endpoint("alpha", { username: "deploy", auth: deploy }));
    assert.equal((await session.exec("id -un")).stdout.trim(), "deploy");
    session.close();
    const rejected = await failure(
      SshSession.open(
        endpoint("alpha", { username: "root", auth: { kind: "password", password: "wrong" } }),
      ),
    );
    assert.equal(rejected.kind, "auth");
    assert.match(rejected.message, /the server accepts: .*publickey/);
  });

  test("sudo with the password from stdin; a wrong one and a missing one are told apart", async () => {
    const session = await SshSession.open(
      endpoint("alpha", {
        username: "deploy",
        auth: { kind: "password", password: lab.users.deploy.password },
      }),
    );
    try {
      const right = new RootShell(session, "sudo-password", lab.users.deploy.password);
      assert.equal((await right.check("id -u")).stdout.trim(), "0");
      const wrong = await failure(new RootShell(session, "sudo-password", "not-it").run("id -u"));
      assert.equal(wrong.kind, "sudo-password-wrong");
      const missing = await failure(new RootShell(session, "sudo").run("id -u"));
      assert.equal(missing.kind, "sudo-password-needed");
    } finally {
      session.close();
    }
  });

  test("a stream on stdin is piped whole, through sudo too; one that fails mid-way fails the command", async () => {
    const chunk = Buffer.alloc(1024 * 1024, "k");
    const stream = (chunks: number, failAfter?: number) =>
      Readable.from(
        (function* () {
          for (let i = 0; i < chunks; i += 1) {
            if (i === failAfter) throw new Error("the stored file could not be read");
            yield chunk;
          }
        })(),
      );
    const expected = createHash("sha256");
    for (let i = 0; i < 32; i += 1) expected.update(chunk);
    const digest = expected.digest("hex");
    const session = await SshSession.open(
      endpoint("alpha", {
        username: "deploy",
        auth: { kind: "password", password: lab.users.deploy.password },
      }),
    );
    const rootSession = await SshSession.open(endpoint("alpha"));
    try {
      const viaSudo = new RootShell(session, "sudo-password", lab.users.deploy.password);
      const asRoot = new RootShell(rootSession, "root");
      for (const shell of [viaSudo, asRoot]) {
        const result = await shell.check("sha256sum", { stdin: stream(32) });
        assert.equal(result.stdout.split(" ")[0], digest);
      }
      // the command must not read a cut stream as a complete input
      await assert.rejects(rootSession.exec("wc -c; sleep 1", { stdin: stream(32, 3) }), SshError);
    } finally {
      session.close();
      rootSession.close();
    }
  });

  test("a failing command reports its exit code and stderr tail", async () => {
    const session = await SshSession.open(endpoint("alpha"));
    try {
      const error = await failure(
        new RootShell(session, "root").check("echo first >&2; echo boom >&2; exit 3"),
      );
      assert.equal(error.kind, "command-failed");
      assert.match(error.message, /exit code 3: first\nboom/);
    } finally {
      session.close();
    }
  });
});

test("endless output neither crashes the console nor is held whole: only its tail is kept", async () => {
  const session = await SshSession.open(endpoint("alpha"));
  try {
    let streamed = 0;
    const result = await session.exec("timeout 4 yes", {
      onStdout: (chunk) => (streamed += chunk.length),
    });
    assert.equal(result.code, 124);
    assert.ok(
      result.stdout.length <= 64 * 1024 * 1024 + 1024 * 1024,
      `kept ${result.stdout.length}`,
    );
    assert.ok(streamed >= result.stdout.length);
    assert.ok(result.stdout.endsWith("y\n"));
  } finally {
    session.close();
  }
});

test("a throttle pauses the command's output until it settles; nothing is lost or reordered", async () => {
  const session = await SshSession.open(endpoint("alpha"));
  try {
    let text = "";
    let paused = false;
    let whilePaused = 0;
    let pauses = 0;
    /** lets many turns of the event loop pass (ssh2 reads the socket meanwhile) */
    const turns = async (n: number) => {
      for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
    };
    const result = await session.exec("seq 1 300000", {
      onStdout: (chunk) => {
        if (paused) whilePaused += 1;
        text += chunk;
      },
      // after each of the first 20 chunks, a pause of 50 event-loop turns
      throttle: () => {
        if (pauses >= 20) return undefined;
        pauses += 1;
        paused = true;
        return turns(50).then(() => {
          paused = false;
        });
      },
    });
    assert.equal(result.code, 0);
    assert.ok(pauses > 0, "the throttle paused the stream");
    assert.equal(whilePaused, 0, "no output was handed over during a pause");
    const numbers = text.trimEnd().split("\n");
    assert.equal(numbers.length, 300_000);
    assert.ok(
      numbers.every((n, i) => n === String(i + 1)),
      "every line, in order",
    );
  } finally {
    session.close();
  }
});

test("output a pause still holds when the command ends is handed over before the exec returns", async () => {
  const session = await SshSession.open(endpoint("alpha"));
  try {
    let seen = "";
    const result = await session.exec("echo first; echo 'last words' >&2", {
      onStderr: (chunk) => {
        seen += chunk;
      },
      // every chunk pauses the output for a long while: the command ends meanwhile
      throttle: async () => {
        for (let i = 0; i < 500; i += 1) await new Promise((resolve) => setImmediate(resolve));
      },
    });
    assert.equal(result.stdout, "first\n");
    assert.equal(result.stderr, "last words\n");
    assert.equal(seen, "last words\n", "onStderr had it before the exec returned");
  } finally {
    session.close();
  }
});

describe("host keys", () => {
  test("an unknown key is refused before authentication, with its type and fingerprint", async () => {
    const host = lab.host("beta");
    const error = await failure(
      SshSession.open(endpoint("beta", { hostKey: { pinned: null, expected: null } })),
    );
    assert.equal(error.kind, "host-key-unknown");
    assert.ok(error.message.includes(`ssh-ed25519 host key ${host.fingerprint}`), error.message);
    assert.doesNotMatch(host.logTail(50), /Accepted publickey/);
    assert.deepEqual(await readHostKey({ host: host.address, port: host.port, username: "root" }), {
      type: "ssh-ed25519",
      fingerprint: host.fingerprint,
    });
  });

  test("a fingerprint pasted beforehand is accepted; a different one is refused", async () => {
    const host = lab.host("beta");
    const session = await SshSession.open(
      endpoint("beta", {
        hostKey: { pinned: null, expected: host.fingerprint.slice("SHA256:".length) },
      }),
    );
    assert.equal(session.hostKey.fingerprint, host.fingerprint);
    session.close();
    const mismatch = await failure(
      SshSession.open(
        endpoint("beta", { hostKey: { pinned: null, expected: `SHA256:${"A".repeat(43)}` } }),
      ),
    );
    assert.equal(mismatch.kind, "host-key-mismatch");
  });

  test("a regenerated host key is refused, naming both fingerprints", async () => {
    const old = lab.host("rekey").fingerprint;
    const fresh = await lab.regenerateHostKey("rekey");
    assert.notEqual(fresh, old);
    const error = await failure(
      SshSession.open(endpoint("rekey", { hostKey: { pinned: old, expected: null } })),
    );
    assert.equal(error.kind, "host-key-changed");
    assert.ok(error.message.includes(old) && error.message.includes(fresh));
  });
});

describe("reaching hosts", () => {
  test("through a bastion to a host that is not directly reachable", async () => {
    const inner = lab.host("inner");
    const gamma = lab.host("gamma");
    const direct = await failure(SshSession.open(endpoint("inner"), { connectTimeoutMs: 2_000 }));
    assert.ok(["timeout", "unreachable"].includes(direct.kind), direct.message);
    const session = await SshSession.open(
      { ...endpoint("inner"), host: inner.address },
      { bastion: endpoint("gamma", { host: gamma.address }) },
    );
    try {
      assert.equal((await session.exec("cat /proc/sys/kernel/hostname")).stdout.trim(), "inner");
    } finally {
      session.close();
    }
  });

  test("a host that is down: connection refused", async () => {
    await lab.down("down");
    const error = await failure(SshSession.open(endpoint("down")));
    assert.equal(error.kind, "refused");
    assert.match(error.message, /connection refused/);
  });

  test("a host that freezes: the connect and a running command time out", async () => {
    const session = await SshSession.open(endpoint("frozen"));
    const running = session.exec("sleep 30", { timeoutMs: 1_500 });
    await lab.freeze("frozen");
    try {
      const error = await failure(running);
      assert.equal(error.kind, "command-timeout");
      session.close();
      const connect = await failure(
        SshSession.open(endpoint("frozen"), { connectTimeoutMs: 1_500 }),
      );
      assert.equal(connect.kind, "timeout");
    } finally {
      await lab.thaw("frozen");
    }
  });

  test("a TCP channel opened from the node reaches only what the node reaches", async () => {
    const session = await SshSession.open(endpoint("alpha"));
    try {
      const beta = lab.host("beta");
      const channel = await session.forwardOut(beta.address, 22);
      const banner = await new Promise<string>((resolve) =>
        channel.once("data", (chunk: Buffer) => resolve(chunk.toString())),
      );
      channel.destroy();
      assert.match(banner, /^SSH-2\.0-OpenSSH/);
      await lab.blockPort("alpha", 22, { direction: "out" });
      const blocked = await failure(session.forwardOut(beta.address, 22));
      assert.match(blocked.message, /could not open a connection/);
    } finally {
      await lab.unblockPort("alpha", 22, { direction: "out" });
      session.close();
    }
  });
});
