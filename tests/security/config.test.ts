/**
 * Attacks on the Config page's routes, against the built console: catalog sources that pile up
 * without bound, hostile source names and ids, and node names that try to reach other files.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MAX_CATALOG_SOURCES } from "@/lib/inventory/catalog-sources";
import { type RunningConsole, startConsole } from "../lab/console-server";

let server: RunningConsole;
before(async () => {
  server = await startConsole();
});
after(() => server?.stop());

async function call(route: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${route}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}` },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

test("uploading the same catalog over and over stops at a bound, and replacing still works", async () => {
  const upload = (query: string) =>
    call(`/api/catalog?${query}`, { method: "POST", body: "quay.io/a/b:1\n" });
  for (let index = 0; index < MAX_CATALOG_SOURCES; index += 1) {
    assert.equal((await upload("name=same.txt")).status, 200);
  }
  const refused = await upload("name=same.txt");
  assert.equal(refused.status, 409, refused.text);
  assert.match(refused.text, /at most 64 catalogs/);
  const replaced = await upload("name=same.txt&replace=true");
  assert.equal(replaced.status, 200, replaced.text);
  const sources = JSON.parse((await call("/api/catalog/sources")).text) as {
    sources: { name: string }[];
  };
  assert.deepEqual(
    sources.sources.map((source) => source.name),
    ["same.txt"],
  );
});

test("a source id that is not a number is a 400 in words, one not there a 404", async () => {
  for (const id of ["abc", "1%2F..%2F..%2Fsettings", "-1", "1e400"]) {
    const answer = await call(`/api/catalog/sources/${id}`, { method: "DELETE" });
    assert.equal(answer.status, 400, `${id}: ${answer.text}`);
    assert.doesNotMatch(answer.text, /Invalid|Too |expected/, "zod's own text is not shown");
  }
  const missing = await call("/api/catalog/sources/999999", { method: "DELETE" });
  assert.equal(missing.status, 404);
});

test("a node name that is a path reaches no file: a 404 naming the fleet, no zip", async () => {
  for (const node of ["../../etc/passwd", "/etc/shadow", "a\r\nSet-Cookie: x=1"]) {
    for (const format of ["", "&format=zip"]) {
      const answer = await call(`/api/fleet/render?node=${encodeURIComponent(node)}${format}`);
      assert.equal(answer.status, 404, `${node}: ${answer.text}`);
      assert.equal(answer.headers.get("content-disposition"), null);
      assert.equal(answer.headers.get("set-cookie"), null);
    }
  }
});
