import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { CatalogTooLargeError, NotACatalogError, readCatalog } from "../../lib/catalog";

// ---- a tiny tar writer: archives are generated lazily, so a huge member costs no memory ----

interface Member {
  name: string;
  data?: Uint8Array;
  /** a generated member of this many bytes (fresh 1 MiB pieces, never kept) */
  blobSize?: number;
  /** how a name longer than 100 bytes is stored */
  longName?: "pax" | "gnu" | "prefix";
  /** write the size field in GNU base-256 instead of octal */
  base256Size?: boolean;
  /** corrupt the header checksum */
  badChecksum?: boolean;
}

const encoder = new TextEncoder();
const catalogFixture = (name: string) =>
  new Uint8Array(readFileSync(path.join(__dirname, "..", "fixtures", "catalogs", name)));

function header(name: string, size: number, type: string, member: Member = { name }): Uint8Array {
  const block = new Uint8Array(512);
  const put = (offset: number, text: string) => block.set(encoder.encode(text), offset);
  let storedName = name;
  if (member.longName === "prefix") {
    const cut = name.lastIndexOf("/", name.length - 2);
    put(345, name.slice(0, cut));
    storedName = name.slice(cut + 1);
  }
  put(0, storedName.slice(0, 100));
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  if (member.base256Size) {
    block[124] = 0x80;
    for (let i = 135, rest = size; i > 124; i--, rest = Math.floor(rest / 256))
      block[i] = rest % 256;
  } else {
    put(124, `${size.toString(8).padStart(11, "0")}\0`);
  }
  put(136, "00000000000\0");
  put(156, type);
  put(257, "ustar\0");
  put(263, "00");
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0) + (member.badChecksum ? 1 : 0);
  put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

const padding = (size: number) => new Uint8Array((512 - (size % 512)) % 512);

function* memberPieces(member: Member): Generator<Uint8Array> {
  const size = member.data?.length ?? member.blobSize ?? 0;
  if (member.name.length > 100 && member.longName === "pax") {
    const record = (body: string) => {
      let length = body.length + 3;
      while (`${length} ${body}\n`.length !== length) length++;
      return `${length} ${body}\n`;
    };
    const pax = encoder.encode(record(`path=${member.name}`));
    yield header("PaxHeader", pax.length, "x");
    yield pax;
    yield padding(pax.length);
  }
  if (member.name.length > 100 && member.longName === "gnu") {
    const longName = encoder.encode(`${member.name}\0`);
    yield header("././@LongLink", longName.length, "L");
    yield longName;
    yield padding(longName.length);
  }
  yield header(member.name, size, "0", member);
  if (member.data) yield member.data;
  for (let left = member.blobSize ?? 0; left > 0; left -= 1 << 20) {
    yield new Uint8Array(Math.min(left, 1 << 20)).fill(0x5a);
  }
  yield padding(size);
}

/** The archive as a stream of `chunkSize` pieces, produced only as the reader pulls. */
function tarStream(
  members: Member[],
  chunkSize: number,
  onPull?: () => void,
): ReadableStream<Uint8Array> {
  function* pieces(): Generator<Uint8Array> {
    for (const member of members) yield* memberPieces(member);
    yield new Uint8Array(1024);
  }
  return rechunk(pieces(), chunkSize, onPull);
}

function rechunk(
  source: Iterator<Uint8Array>,
  chunkSize: number,
  onPull?: () => void,
): ReadableStream<Uint8Array> {
  let current: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull?.();
      while (offset === current.length) {
        const next = source.next();
        if (next.done) {
          controller.close();
          return;
        }
        current = next.value;
        offset = 0;
      }
      const end = Math.min(offset + chunkSize, current.length);
      controller.enqueue(current.slice(offset, end));
      offset = end;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunked(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  return rechunk([bytes][Symbol.iterator](), chunkSize);
}

const json = (value: unknown) => encoder.encode(JSON.stringify(value, null, 2));
const ociIndex = (names: string[]) =>
  json({
    schemaVersion: 2,
    manifests: names.map((name, i) => ({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: `sha256:${String(i).repeat(64).slice(0, 64)}`,
      size: 1,
      annotations: { "org.opencontainers.image.ref.name": name },
    })),
  });

// ---- tests ----

describe("airgap bundle archives (streamed tar)", () => {
  test("OCI layout tar in 509-byte chunks: index.json after a 3 MiB blob", async () => {
    const stream = tarStream(
      [
        { name: "oci-layout", data: json({ imageLayoutVersion: "1.0.0" }) },
        { name: `blobs/sha256/${"b".repeat(64)}`, blobSize: 3 * 1024 * 1024 + 7 },
        { name: "index.json", data: catalogFixture("oci-index.k0s-bundle-artifacts.json") },
      ],
      509,
    );
    const result = await readCatalog(stream);
    assert.equal(result.format, "bundle-archive");
    assert.equal(result.images.length, 8);
    assert.deepEqual(result.images[0], {
      input: "quay.io/k0sproject/calico-cni:v3.29.4-0",
      ref: "quay.io/k0sproject/calico-cni:v3.29.4-0",
      registry: "quay.io",
      repository: "k0sproject/calico-cni",
      tag: "v3.29.4-0",
      digest: null,
      line: 9, // the line inside index.json
    });
  });

  test("the same archive gzipped (.tar.gz), fed in 1000-byte chunks", async () => {
    const tar = await collect(
      tarStream(
        [
          { name: `blobs/sha256/${"c".repeat(64)}`, blobSize: 2 * 1024 * 1024 },
          { name: "./index.json", data: catalogFixture("oci-index.k0s-bundle-artifacts.json") },
        ],
        65536,
      ),
    );
    // Cast: TS types CompressionStream's writable side as BufferSource only.
    const gzipper = new CompressionStream("gzip") as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >;
    const gz = await collect(chunked(tar, 65536).pipeThrough(gzipper));
    const result = await readCatalog(chunked(gz, 1000));
    assert.equal(result.format, "bundle-archive");
    assert.equal(result.images.length, 8);
    assert.equal(result.registries.length, 2);
  });

  test("a tiny archive in 3-byte chunks still reads (headers split across chunks)", async () => {
    const stream = tarStream(
      [{ name: "bundle/manifest.json", data: catalogFixture("docker-save.manifest.json") }],
      3,
    );
    const result = await readCatalog(stream);
    assert.equal(result.format, "bundle-archive");
    assert.equal(result.images.length, 6);
    assert.equal(result.skipped.length, 1);
  });

  test("a 512 MiB member is skipped without being buffered", async () => {
    let peakArrayBuffers = 0;
    const stream = tarStream(
      [
        { name: `blobs/sha256/${"d".repeat(64)}`, blobSize: 512 * 1024 * 1024 },
        { name: "index.json", data: ociIndex(["quay.io/k0sproject/pause:3.10.1"]) },
      ],
      1 << 20,
      () => {
        peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
      },
    );
    const result = await readCatalog(stream);
    assert.deepEqual(
      result.images.map((i) => i.ref),
      ["quay.io/k0sproject/pause:3.10.1"],
    );
    // buffering the member would hold at least 512 MiB; streaming stays near the GC's slack
    assert.ok(
      peakArrayBuffers < 256 * 1024 * 1024,
      `peak ArrayBuffer memory ${peakArrayBuffers} bytes`,
    );
  });

  test("docker save ≥ 25 archive: manifest.json wins when index.json names fewer images", async () => {
    const stream = tarStream(
      [
        { name: "index.json", data: ociIndex(["1.27.3"]) }, // bare tag: names nothing
        { name: "manifest.json", data: catalogFixture("docker-save.manifest.json") },
      ],
      4096,
    );
    const result = await readCatalog(stream);
    assert.equal(result.images.length, 6);
    assert.equal(result.images[0]?.ref, "docker.io/library/nginx:1.27.3");
  });

  test("with equally good index.json and manifest.json, index.json is used", async () => {
    const manifest = json([{ Config: "c", RepoTags: ["quay.io/from/manifest:1"], Layers: [] }]);
    const stream = tarStream(
      [
        { name: "manifest.json", data: manifest },
        { name: "index.json", data: ociIndex(["quay.io/from/index:1"]) },
      ],
      4096,
    );
    assert.deepEqual(
      (await readCatalog(stream)).images.map((i) => i.ref),
      ["quay.io/from/index:1"],
    );
  });

  test("Mirantis bundle files <path>/<name>_<tag>.tar are skipped: they name no registry", async () => {
    const longDir = `k0rdent-enterprise/${"nested/".repeat(14)}`;
    const stream = tarStream(
      [
        { name: "README.md", data: encoder.encode("# bundle\n") },
        { name: "k8s/pause_3.9.tar", data: new Uint8Array(700) },
        { name: `${longDir}kcm-controller_1.6.0.tar`, data: new Uint8Array(10), longName: "pax" },
        { name: `${longDir}cert-manager_v1.19.1.tar`, data: new Uint8Array(10), longName: "gnu" },
        { name: `${longDir}velero_v1.17.0.tar`, data: new Uint8Array(10), longName: "prefix" },
        { name: "charts/kcm-1.6.0.tgz", data: new Uint8Array(10) },
      ],
      777,
    );
    const result = await readCatalog(stream);
    assert.equal(result.format, "bundle-archive");
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.input]),
      [
        [2, "k8s/pause_3.9.tar"],
        [3, `${longDir}kcm-controller_1.6.0.tar`],
        [4, `${longDir}cert-manager_v1.19.1.tar`],
        [5, `${longDir}velero_v1.17.0.tar`],
      ],
    );
    assert.match(result.skipped[0]?.reason ?? "", /\(k8s\/pause:3\.9\) has no registry host/);
  });

  test("a GNU base-256 size field is understood", async () => {
    const stream = tarStream(
      [
        { name: "blob", data: new Uint8Array(1500), base256Size: true },
        { name: "index.json", data: ociIndex(["quay.io/a/b:1"]) },
      ],
      512,
    );
    assert.equal((await readCatalog(stream)).images.length, 1);
  });

  test("a damaged header is not a catalog", async () => {
    const stream = tarStream(
      [
        { name: "index.json", data: ociIndex(["quay.io/a/b:1"]) },
        { name: "manifest.json", data: json([]), badChecksum: true },
      ],
      512,
    );
    await assert.rejects(readCatalog(stream), (error: unknown) => {
      assert.ok(error instanceof NotACatalogError);
      assert.match(
        error.message,
        /^not a catalog: a damaged tar archive \(bad header checksum after 1 files\)$/,
      );
      return true;
    });
  });

  test("a tar with neither catalog nor bundle files is not a catalog", async () => {
    const stream = tarStream([{ name: "notes.txt", data: encoder.encode("hello\n") }], 512);
    await assert.rejects(
      readCatalog(stream),
      /^NotACatalogError: not a catalog: a tar archive without index\.json, manifest\.json or <name>_<tag>\.tar image files$/,
    );
  });

  test("an index.json larger than maxTextBytes is too large", async () => {
    const stream = tarStream(
      [{ name: "index.json", data: ociIndex(["quay.io/a/b:1", "quay.io/a/c:1"]) }],
      512,
    );
    await assert.rejects(readCatalog(stream, { maxTextBytes: 100 }), CatalogTooLargeError);
  });
});
