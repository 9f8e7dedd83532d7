import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import {
  CatalogTooLargeError,
  NotACatalogError,
  readCatalog,
  readCatalogText,
} from "../../lib/catalog";
import { nodeGunzip } from "../../lib/catalog/node-gunzip";

const encoder = new TextEncoder();
const fixtureBytes = (name: string) =>
  new Uint8Array(readFileSync(path.join(__dirname, "..", "fixtures", "catalogs", name)));

function chunked(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) controller.close();
      else controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  // Cast: TS types CompressionStream's writable side as BufferSource only.
  const gzipper = new CompressionStream("gzip") as unknown as TransformStream<
    Uint8Array,
    Uint8Array
  >;
  const stream = chunked(bytes, 65536).pipeThrough(gzipper);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Asserts readCatalog rejects with NotACatalogError and exactly this message. */
async function assertNotACatalog(input: Uint8Array | ReadableStream<Uint8Array>, message: string) {
  await assert.rejects(readCatalog(input), (error: unknown) => {
    assert.ok(error instanceof NotACatalogError, `expected NotACatalogError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe("format detection is by content", () => {
  test("each sample is recognised whatever its file name says", async () => {
    const expected: [string, string][] = [
      ["images.txt", "plain-list"],
      ["oci-index.k0s-bundle-artifacts.json", "oci-index"],
      ["docker-save.manifest.json", "docker-save-manifest"],
      ["zarf.yaml", "zarf"],
      ["hauler-manifest.yaml", "hauler"],
      ["skopeo-sync.yaml", "skopeo-sync"],
      ["mindthegap-images.yaml", "mindthegap"],
      ["k0rdent-bundle.md", "k0rdent-markdown"],
    ];
    for (const [file, format] of expected) {
      const result = await readCatalog(fixtureBytes(file), { fileName: "misleading.json" });
      assert.equal(result.format, format, file);
    }
  });

  for (const [name, gunzip] of [
    ["the web DecompressionStream", undefined],
    ["Node's zlib (the server's)", nodeGunzip],
  ] as const) {
    test(`a gzipped plain list is unpacked and read, by ${name}`, async () => {
      const input = chunked(await gzip(fixtureBytes("images.txt")), 100);
      const result = await readCatalog(input, { gunzip });
      assert.equal(result.format, "plain-list");
      assert.equal(result.images.length, 66);
    });

    test(`damaged gzip data is named, by ${name}`, async () => {
      const gz = await gzip(fixtureBytes("images.txt"));
      gz.fill(0x41, 20, 60);
      await assert.rejects(
        readCatalog(gz, { gunzip }),
        /^NotACatalogError: not a catalog: damaged gzip data \(/,
      );
    });
  }

  test("a text stream in 3-byte chunks reads the same as the bytes", async () => {
    const bytes = fixtureBytes("zarf.yaml");
    const fromStream = await readCatalog(chunked(bytes, 3));
    assert.deepEqual(fromStream, await readCatalog(bytes));
  });

  test("Markdown prose with `key: value` lines is still Markdown; a table inside YAML is still YAML", () => {
    const markdown =
      "# Bundle\n\nNote: names are relative.\n\n| Image | Version |\n|---|---|\n| quay.io/a/b | 1 |\n";
    assert.equal(readCatalogText(markdown).format, "k0rdent-markdown");
    const zarf =
      "kind: ZarfPackageConfig\nmetadata:\n  description: |\n    | a | b |\n    |---|---|\ncomponents:\n  - name: x\n    images: [nginx]\n";
    assert.equal(readCatalogText(zarf).format, "zarf");
  });

  test("readCatalogText reads text that is already decoded", () => {
    const result = readCatalogText("quay.io/a/b:1\n");
    assert.deepEqual(
      result.images.map((i) => i.ref),
      ["quay.io/a/b:1"],
    );
  });
});

describe("good entries still count when some are bad", () => {
  test("one good line among bad ones is a catalog with errors", async () => {
    const result = await readCatalog(encoder.encode("not a ref\nFoo:Bar\nquay.io/a/b:1\nx y z\n"));
    assert.deepEqual(
      result.images.map((i) => [i.ref, i.line]),
      [["quay.io/a/b:1", 3]],
    );
    assert.deepEqual(
      result.errors.map((e) => e.line),
      [1, 2, 4],
    );
    assert.deepEqual(result.registries, [{ host: "quay.io", images: 1 }]);
  });
});

describe("not a catalog: one clear message", () => {
  test("an empty file", async () => {
    await assertNotACatalog(new Uint8Array(0), "not a catalog: the file is empty");
    await assertNotACatalog(encoder.encode(" \r\n\t\n"), "not a catalog: the file is empty");
  });

  test("binary garbage", async () => {
    const garbage = new Uint8Array(4096);
    let seed = 7;
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      garbage[i] = seed & 0xff;
    }
    garbage[0] = 0x00;
    await assertNotACatalog(garbage, "not a catalog: binary data (not text, gzip or tar)");
    await assertNotACatalog(
      new Uint8Array([0xc3, 0x28, 0x0a]),
      "not a catalog: binary data (not text, gzip or tar)",
    );
  });

  test("an HTML page", async () => {
    await assertNotACatalog(
      encoder.encode("<!DOCTYPE html>\n<html><body>Sign in</body></html>\n"),
      "not a catalog: an HTML or XML document",
    );
  });

  test("JSON of an unknown shape, and broken JSON with its line", async () => {
    await assertNotACatalog(
      encoder.encode('{"name": "x", "images": ["nginx"]}'),
      "not a catalog: JSON without `manifests[]` (OCI index) or a docker save manifest array (`[{Config, RepoTags, Layers}]`)",
    );
    await assertNotACatalog(
      encoder.encode("[]"),
      "not a catalog: JSON without `manifests[]` (OCI index) or a docker save manifest array (`[{Config, RepoTags, Layers}]`)",
    );
    await assertNotACatalog(
      encoder.encode(
        '{\n  "schemaVersion": 2,\n  "manifests": [\n    {"digest": "sha256:x",}\n  ]\n}',
      ),
      "not a catalog: invalid JSON (expected a member name at line 4)",
    );
  });

  test("a text whose lines are all invalid references names the first error", async () => {
    await assertNotACatalog(
      encoder.encode("# notes\nHello World\nThis is a README.\n"),
      "not a catalog: no line could be read as an image reference (first error, line 2: invalid reference format: repository name (library/Hello World) must be lowercase)",
    );
  });

  test("a text of only comments", async () => {
    await assertNotACatalog(
      encoder.encode("# nothing\n\n# here\n"),
      "not a catalog: a text without any image reference (only blank lines and comments)",
    );
  });

  test("YAML of an unknown shape, and YAML that does not parse", async () => {
    await assertNotACatalog(
      encoder.encode("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n"),
      "not a catalog: YAML that is not a Zarf package, a Hauler manifest, a skopeo sync file or a mindthegap images file",
    );
    await assertNotACatalog(
      encoder.encode("kind: ZarfPackageConfig\ncomponents:\n  - name: a\n   images: [x]\n"),
      "not a catalog: YAML that cannot be parsed (line 4: Sequence item without - indicator)",
    );
  });

  test("Markdown without an image table", async () => {
    await assertNotACatalog(
      encoder.encode("# Notes\n\n| Owner | Email |\n|---|---|\n"),
      "not a catalog: Markdown without a table of image names and versions",
    );
  });
});

describe("size limits and failing inputs", () => {
  test("a text larger than maxTextBytes is CatalogTooLargeError", async () => {
    const text = encoder.encode("quay.io/k0sproject/coredns:1.12.2\n".repeat(100));
    await assert.rejects(readCatalog(text, { maxTextBytes: 1024 }), (error: unknown) => {
      assert.ok(error instanceof CatalogTooLargeError);
      assert.equal(error.message, "catalog text is larger than 1024 bytes");
      return true;
    });
    assert.equal((await readCatalog(text, { maxTextBytes: text.length })).images.length, 100);
  });

  test("the default limit is 32 MiB", async () => {
    const chunk = encoder.encode("quay.io/k0sproject/coredns:1.12.2\n".repeat(2000));
    const count = Math.ceil((32 * 1024 * 1024 + 1) / chunk.length);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < count) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await assert.rejects(
      readCatalog(stream),
      /^CatalogTooLargeError: catalog text is larger than 32 MiB$/,
    );
  });

  test("a gzip bomb is stopped by the limit on the unpacked text", async () => {
    const bomb = await gzip(encoder.encode("nginx:1\n".repeat(200_000)));
    assert.ok(bomb.length < 16 * 1024);
    await assert.rejects(readCatalog(bomb, { maxTextBytes: 1024 * 1024 }), CatalogTooLargeError);
  });

  test("an error of the input stream itself is passed on unchanged (plain and gzip)", async () => {
    class UploadTooLarge extends Error {}
    const failing = (first: Uint8Array) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(first);
          controller.error(new UploadTooLarge("the upload is larger than the limit"));
        },
      });
    await assert.rejects(readCatalog(failing(encoder.encode("nginx:1\n"))), UploadTooLarge);
    const gz = await gzip(fixtureBytes("images.txt"));
    await assert.rejects(readCatalog(failing(gz.slice(0, 100))), UploadTooLarge);
  });
});
