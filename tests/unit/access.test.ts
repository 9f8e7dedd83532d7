import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseEnv } from "@/lib/env";
import { requestRefusal } from "@/lib/http/origin";

describe("settings from the environment", () => {
  test("embedded defaults: 127.0.0.1:3000, ./data", () => {
    const env = parseEnv({});
    assert.equal(env.host, "127.0.0.1");
    assert.equal(env.port, 3000);
    assert.equal(env.dataDir, `${process.cwd()}/data`);
    assert.equal(env.token, undefined);
  });

  test("bad values are refused with the variable's name", () => {
    assert.throws(() => parseEnv({ PORT: "70000" }), /PORT/);
    assert.throws(() => parseEnv({ PORT: "web" }), /PORT/);
    assert.throws(() => parseEnv({ CONSOLE_TOKEN: "short" }), /CONSOLE_TOKEN/);
    assert.throws(() => parseEnv({ CONSOLE_TOKEN: "a token with spaces in it" }), /CONSOLE_TOKEN/);
  });

  test("empty variables count as unset", () => {
    assert.equal(parseEnv({ PORT: "", CONSOLE_TOKEN: "" }).port, 3000);
  });
});

describe("foreign hosts and origins", () => {
  const request = (method: string, headers: Record<string, string>) =>
    new Request("http://127.0.0.1:3000/api/render", {
      method,
      headers: { host: "127.0.0.1:3000", ...headers },
    });

  test("same-origin and header-less (script) requests pass", () => {
    assert.equal(
      requestRefusal(request("POST", { origin: "http://127.0.0.1:3000" }), "127.0.0.1"),
      null,
    );
    assert.equal(requestRefusal(request("POST", {}), "127.0.0.1"), null);
    assert.equal(
      requestRefusal(request("GET", { origin: "http://evil.example" }), "127.0.0.1"),
      null,
    );
  });

  test("state-changing requests from another origin are refused", () => {
    assert.match(
      requestRefusal(request("POST", { origin: "http://evil.example" }), "127.0.0.1") ?? "",
      /cross-origin/,
    );
    assert.match(
      requestRefusal(request("DELETE", { origin: "http://127.0.0.1:3001" }), "127.0.0.1") ?? "",
      /cross-origin/,
    );
    assert.match(
      requestRefusal(request("POST", { "sec-fetch-site": "same-site" }), "127.0.0.1") ?? "",
      /cross-site/,
    );
  });

  test("a loopback console refuses other Host names (DNS rebinding)", () => {
    assert.match(
      requestRefusal(request("GET", { host: "evil.example:3000" }), "127.0.0.1") ?? "",
      /not this console/,
    );
    assert.equal(requestRefusal(request("GET", { host: "localhost:3000" }), "127.0.0.1"), null);
    assert.equal(requestRefusal(request("GET", { host: "console.lan:3000" }), "0.0.0.0"), null);
  });
});
