import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { FailureLimiter } from "@/lib/auth/rate-limit";
import {
  bearerToken,
  createSession,
  revokeSession,
  SESSION_IDLE_MS,
  SESSION_MAX_MS,
  sessionIsValid,
} from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import {
  clientAddress,
  PEER_HEADER,
  setFrontDoorStamp,
  UNKNOWN_CLIENT,
} from "@/lib/http/client-address";
import { attachment } from "@/lib/http/content-disposition";
import { appErrorParts, HttpError } from "@/lib/http/errors";
import { type Database, openDatabase } from "@/lib/inventory/db";
import { InventoryError } from "@/lib/inventory/errors";
import { parseInventory } from "@/lib/inventory/import";
import { RenderInputError } from "@/lib/render/errors";
import { RunBusyError, RunInputError } from "@/lib/runs/errors";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function database(): Database {
  const dir = mkdtempSync(path.join(tmpdir(), "sessions-"));
  dirs.push(dir);
  return openDatabase(dir);
}

describe("sessions", () => {
  const token = "0123456789abcdef-token";
  const t0 = Date.parse("2026-12-01T08:00:00Z");

  test("a session id is random, and only its hash is stored", () => {
    const db = database();
    const first = createSession(db, token, t0);
    const second = createSession(db, token, t0);
    assert.notEqual(first, second);
    assert.equal(Buffer.from(first, "base64url").length, 32);
    const stored = JSON.stringify(db.prepare("SELECT * FROM sessions").all());
    assert.ok(!stored.includes(first) && !stored.includes(token), "no id or token in the table");
    assert.equal(sessionIsValid(db, token, first, t0 + 1000), true);
  });

  test("ends when idle for 12 h, after 7 days whatever, and on sign-out", () => {
    const db = database();
    const idle = createSession(db, token, t0);
    assert.equal(sessionIsValid(db, token, idle, t0 + SESSION_IDLE_MS - 1000), true);
    assert.equal(
      sessionIsValid(db, token, idle, t0 + 2 * SESSION_IDLE_MS - 2000),
      true,
      "use refreshes it",
    );
    assert.equal(sessionIsValid(db, token, idle, t0 + 3 * SESSION_IDLE_MS), false);
    assert.equal(sessionIsValid(db, token, idle, t0), false, "an expired session is gone for good");

    const busy = createSession(db, token, t0);
    for (let at = t0; at < t0 + SESSION_MAX_MS; at += SESSION_IDLE_MS / 2) {
      assert.equal(sessionIsValid(db, token, busy, at), true);
    }
    assert.equal(sessionIsValid(db, token, busy, t0 + SESSION_MAX_MS + 1000), false);

    const signedOut = createSession(db, token, t0);
    revokeSession(db, signedOut);
    assert.equal(sessionIsValid(db, token, signedOut, t0 + 1000), false);
  });

  test("a new console token ends every session; junk cookies are refused", () => {
    const db = database();
    const id = createSession(db, token, t0);
    assert.equal(sessionIsValid(db, "another-token-0000000", id, t0 + 1000), false);
    assert.equal(sessionIsValid(db, token, id, t0 + 2000), false);
    for (const junk of [undefined, "", token, "x".repeat(10_000)]) {
      assert.equal(sessionIsValid(db, token, junk, t0), false);
    }
  });

  test("Bearer header parsing", () => {
    assert.equal(bearerToken(`Bearer ${token}`), token);
    assert.equal(bearerToken(`bearer ${token}  `), token);
    assert.equal(bearerToken(`Basic ${token}`), undefined);
    assert.equal(bearerToken(null), undefined);
  });
});

describe("wrong-token rate limit", () => {
  const perClient = {
    freeFailures: 5,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    forgetAfterMs: 3_600_000,
  };
  const everyone = {
    freeFailures: 20,
    baseDelayMs: 1000,
    maxDelayMs: 10_000,
    forgetAfterMs: 900_000,
  };

  test("5 free failures, then a wait that doubles with every try", () => {
    const limiter = new FailureLimiter(perClient, everyone);
    for (let i = 0; i < 5; i++) {
      assert.equal(limiter.check("a", i), 0);
      limiter.failed("a", i);
    }
    const waits = [5, 6, 7, 8].map((i) => limiter.check("a", i));
    assert.deepEqual(waits, [2, 4, 8, 16]);
    assert.equal(limiter.check("b", 10), 0, "another client is not held back");
    for (let i = 0; i < 10; i++) limiter.check("a", 100 + i);
    assert.equal(limiter.check("a", 200), 60, "capped");
  });

  test("after the wait a client may try again; a success forgets its failures", () => {
    const limiter = new FailureLimiter(perClient, everyone);
    for (let i = 0; i < 5; i++) limiter.failed("a", 0);
    assert.equal(limiter.check("a", 1001), 0);
    limiter.failed("a", 1001);
    assert.equal(limiter.check("a", 1002), 4);
    limiter.succeeded("a");
    assert.equal(limiter.check("a", 1003), 0);
  });

  test("many clients together hit the overall limit; quiet time forgets it", () => {
    const limiter = new FailureLimiter(perClient, everyone);
    for (let i = 0; i < 20; i++) limiter.failed(`client-${i}`, 0);
    assert.equal(limiter.check("fresh-client", 1), 1);
    assert.equal(limiter.check("fresh-client", 2_000_000), 0);
  });

  test("remembers a bounded number of clients", () => {
    const limiter = new FailureLimiter(perClient, { ...everyone, freeFailures: 1e9 }, 100);
    for (let i = 0; i < 5; i++) limiter.failed("first", 0);
    for (let i = 0; i < 200; i++) limiter.failed(`client-${i}`, 1);
    assert.equal(limiter.check("first", 2), 0, "the oldest client was forgotten");
  });
});

describe("download names (RFC 6266)", () => {
  test("an ASCII-safe filename= and the exact name in filename*=", () => {
    const cases: [string, string][] = [
      ["run-1.jsonl", `attachment; filename="run-1.jsonl"; filename*=UTF-8''run-1.jsonl`],
      [
        'run-"x"\r\nSet-Cookie: a=b.jsonl',
        `attachment; filename="run-_x___Set-Cookie__a_b.jsonl"; filename*=UTF-8''run-%22x%22%0D%0ASet-Cookie%3A%20a%3Db.jsonl`,
      ],
      [
        "nœud-ü ✓.jsonl",
        `attachment; filename="n_ud-___.jsonl"; filename*=UTF-8''n%C5%93ud-%C3%BC%20%E2%9C%93.jsonl`,
      ],
      [
        "../it's (1).txt",
        `attachment; filename="__it_s__1_.txt"; filename*=UTF-8''..%2Fit%27s%20%281%29.txt`,
      ],
    ];
    for (const [name, header] of cases) assert.equal(attachment(name), header);
  });
});

describe("one error type", () => {
  test("every domain error is an AppError with a code and a status", () => {
    const cases: [AppError, string, number][] = [
      [new HttpError(404, "no run x"), "not_found:http", 404],
      [new HttpError(415, "wrong type"), "bad_request:http", 415],
      [new RenderInputError("mirror.address", "bad"), "bad_request:render", 400],
      [new RunInputError("nodes: empty"), "bad_request:run", 400],
      [new RunBusyError("busy"), "conflict:run", 409],
      [
        new InventoryError("conflict", "taken", [{ field: "name", message: "taken" }]),
        "conflict:inventory",
        409,
      ],
      [new InventoryError("invalid", "bad"), "bad_request:inventory", 400],
    ];
    for (const [error, code, status] of cases) {
      assert.ok(error instanceof AppError);
      assert.equal(error.errorCode, code);
      assert.equal(error.status, status);
    }
    assert.equal(new InventoryError("not_found", "x").code, "not_found", "the old field stays");
    assert.equal(new RenderInputError("k0sVersion", "bad").field, "k0sVersion");
  });

  test("the client sees {error, code, details}, never cached, with the error's headers", () => {
    const parts = appErrorParts(
      new AppError("rate_limited:sign_in", "wait", {
        headers: { "retry-after": "4" },
        details: { retryAfterSeconds: 4 },
      }),
    );
    assert.equal(parts.status, 429);
    assert.equal(parts.headers["retry-after"], "4");
    assert.equal(parts.headers["cache-control"], "no-store");
    assert.deepEqual(JSON.parse(parts.body), {
      error: "wait",
      code: "rate_limited:sign_in",
      details: { retryAfterSeconds: 4 },
    });
    assert.equal(appErrorParts(new HttpError(413, "too big")).headers.connection, "close");
  });
});

describe("malformed input is a 400 naming the problem", () => {
  test("a YAML alias bomb in an inventory", () => {
    const bomb = [
      "apiVersion: k0sctl.k0sproject.io/v1beta1",
      "kind: Cluster",
      "spec:",
      "  hosts:",
      "  - role: worker",
      "    ssh: {address: 10.0.0.1, user: root}",
      "    a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]",
      "    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "    e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ].join("\n");
    assert.throws(
      () => parseInventory(bomb),
      (error) =>
        error instanceof InventoryError && error.status === 400 && /alias/.test(error.message),
    );
  });
});

describe("the client address the rate limit keys on", () => {
  test("only the front door's stamped socket address counts, never a client's header", () => {
    setFrontDoorStamp("stamp-1234");
    const headers = (values: Record<string, string>) => new Headers(values);
    assert.equal(clientAddress(headers({ [PEER_HEADER]: "stamp-1234 192.0.2.7" })), "192.0.2.7");
    assert.equal(clientAddress(headers({ [PEER_HEADER]: "guess 192.0.2.8" })), UNKNOWN_CLIENT);
    assert.equal(clientAddress(headers({ "x-forwarded-for": "192.0.2.9" })), UNKNOWN_CLIENT);
    assert.equal(clientAddress(headers({ [PEER_HEADER]: "stamp-1234" })), UNKNOWN_CLIENT);
  });
});
