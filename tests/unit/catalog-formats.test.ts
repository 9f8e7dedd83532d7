import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { type CatalogResult, readCatalog } from "../../lib/catalog";

const fixtureBytes = (name: string) =>
  new Uint8Array(readFileSync(path.join(__dirname, "..", "fixtures", "catalogs", name)));
const readFixture = (name: string, fileName?: string) =>
  readCatalog(fixtureBytes(name), fileName === undefined ? {} : { fileName });
const readText = (text: string, fileName?: string) =>
  readCatalog(new TextEncoder().encode(text), fileName === undefined ? {} : { fileName });

const refsWithLines = (result: CatalogResult) => result.images.map((i) => [i.ref, i.line]);
const sha = (c: string) => c.repeat(64);

describe("plain list", () => {
  test("a name Go parses with an empty domain is rejected: it has no registry to mirror", async () => {
    const result = await readText("foo_bar.com/x:1\nnginx\n");
    assert.deepEqual(refsWithLines(result), [["docker.io/library/nginx", 2]]);
    assert.equal(result.errors[0]?.line, 1);
    assert.match(result.errors[0]?.message ?? "", /no registry host/);
  });

  test("comments, blank lines, CRLF and surrounding spaces; bad lines keep their line numbers", async () => {
    const text = [
      "# k0s airgap list-images",
      "quay.io/k0sproject/coredns:1.12.2\r",
      "",
      "   nginx:1.27.3   ",
      "\t# indented comment",
      "quay.io/k0sproject/k0s:v1.32.8+k0s.0",
      "registry.k8s.io/pause:3.9\r",
      "Foo",
      "oci://ghcr.io/k0rdent/kcm/charts/kcm:1.6.0",
      "",
    ].join("\n");
    const result = await readText(text);
    assert.equal(result.format, "plain-list");
    assert.deepEqual(refsWithLines(result), [
      ["quay.io/k0sproject/coredns:1.12.2", 2],
      ["docker.io/library/nginx:1.27.3", 4],
      ["registry.k8s.io/pause:3.9", 7],
    ]);
    assert.deepEqual(result.images[1], {
      input: "nginx:1.27.3",
      ref: "docker.io/library/nginx:1.27.3",
      registry: "docker.io",
      repository: "library/nginx",
      tag: "1.27.3",
      digest: null,
      line: 4,
    });
    assert.deepEqual(result.errors, [
      {
        line: 6,
        input: "quay.io/k0sproject/k0s:v1.32.8+k0s.0",
        message: "invalid reference format",
      },
      {
        line: 8,
        input: "Foo",
        message: "invalid reference format: repository name (library/Foo) must be lowercase",
      },
      {
        line: 9,
        input: "oci://ghcr.io/k0rdent/kcm/charts/kcm:1.6.0",
        message: "invalid reference format",
      },
    ]);
    assert.deepEqual(result.skipped, []);
  });

  test("the k0s sample: every line is an image, registries sorted by host", async () => {
    const result = await readFixture("images.txt");
    assert.equal(result.format, "plain-list");
    assert.equal(result.images.length, 66);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.registries, [
      { host: "docker.io", images: 13 },
      { host: "gcr.io", images: 1 },
      { host: "ghcr.io", images: 6 },
      { host: "mcr.microsoft.com", images: 4 },
      { host: "public.ecr.aws", images: 2 },
      { host: "quay.io", images: 20 },
      { host: "registry.k8s.io", images: 20 },
    ]);
    const digested = result.images.find((i) =>
      i.input.startsWith("docker.io/projectsveltos/access-manager"),
    );
    assert.equal(digested?.line, 32);
    assert.equal(digested?.tag, "v1.1.1");
    assert.equal(
      digested?.digest,
      "sha256:2c718cd418b779b0225c44ac8fb0957474306ab41ca6313176e81592b27023cd",
    );
  });

  test("duplicates stay as entries but count once per registry", async () => {
    const result = await readText("nginx:1\ndocker.io/library/nginx:1\nnginx:2\nquay.io/a/b:1\n");
    assert.equal(result.images.length, 4);
    assert.deepEqual(result.registries, [
      { host: "docker.io", images: 2 },
      { host: "quay.io", images: 1 },
    ]);
  });

  test("UTF-16LE with a BOM (PowerShell redirect) and a UTF-8 BOM are read as text", async () => {
    const text = "quay.io/a/b:1\r\nnginx\r\n";
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);
    const fromUtf16 = await readCatalog(utf16);
    assert.deepEqual(refsWithLines(fromUtf16), [
      ["quay.io/a/b:1", 1],
      ["docker.io/library/nginx", 2],
    ]);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    assert.deepEqual(refsWithLines(await readCatalog(bom)), refsWithLines(fromUtf16));
  });
});

describe("OCI index.json", () => {
  test("k0s bundle-artifacts: full references in org.opencontainers.image.ref.name", async () => {
    const result = await readFixture("oci-index.k0s-bundle-artifacts.json");
    assert.equal(result.format, "oci-index");
    assert.deepEqual(refsWithLines(result), [
      ["quay.io/k0sproject/calico-cni:v3.29.4-0", 9],
      ["quay.io/k0sproject/calico-kube-controllers:v3.29.4-0", 17],
      ["quay.io/k0sproject/calico-node:v3.29.4-0", 25],
      ["quay.io/k0sproject/coredns:1.12.2", 33],
      [
        "docker.io/projectsveltos/addon-controller:v1.1.1@sha256:a2ae3b11ae10903b7c1d9968e269c413289639ecbff18aa3c4b02d54d090d19e",
        41,
      ],
      ["docker.io/projectsveltos/addon-controller:v1.1.1", 49],
      [
        "docker.io/projectsveltos/addon-controller@sha256:a2ae3b11ae10903b7c1d9968e269c413289639ecbff18aa3c4b02d54d090d19e",
        57,
      ],
      ["docker.io/library/busybox:latest", 65],
    ]);
    // three entries, one distinct image reference each
    assert.deepEqual(result.registries, [
      { host: "docker.io", images: 4 },
      { host: "quay.io", images: 4 },
    ]);
  });

  test("docker save ≥ 25 style (tab-indented): containerd name wins, bare tag and no name are skipped", async () => {
    const result = await readFixture("oci-index.docker-save.json");
    assert.equal(result.format, "oci-index");
    assert.deepEqual(refsWithLines(result), [["docker.io/library/nginx:1.27.3", 10]]);
    assert.equal(result.skipped.length, 2);
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.input]),
      [
        [18, "latest"],
        [20, `sha256:${sha("3")}`],
      ],
    );
    assert.match(
      result.skipped[0]?.reason ?? "",
      /only a tag \("latest"\).*io\.containerd\.image\.name/,
    );
    assert.match(
      result.skipped[1]?.reason ?? "",
      /no io\.containerd\.image\.name or org\.opencontainers\.image\.ref\.name/,
    );
    assert.deepEqual(result.errors, [
      {
        line: 29,
        path: 'manifests[3].annotations["io.containerd.image.name"]',
        input: "quay.io/K0s/bad:1",
        message: "invalid reference format: repository name (K0s/bad) must be lowercase",
      },
    ]);
  });

  test("a schemaVersion other than 2 is not an OCI index", async () => {
    await assert.rejects(readText('{"schemaVersion": 1, "manifests": []}'), /schemaVersion 1/);
  });
});

describe("docker save manifest.json", () => {
  test("RepoTags in short form; null RepoTags is skipped with a reason", async () => {
    const result = await readFixture("docker-save.manifest.json");
    assert.equal(result.format, "docker-save-manifest");
    assert.deepEqual(
      result.images.map((i) => i.ref),
      [
        "docker.io/library/nginx:1.27.3",
        "docker.io/bitnami/kubectl:1.31.4",
        "docker.io/velero/velero:v1.17.0",
        "quay.io/k0sproject/pause:3.10.1",
        "registry.k8s.io/pause:3.9",
        "myreg.local:5000/team/app:1.0.0",
      ],
    );
    assert.deepEqual(result.skipped, [
      {
        line: 1,
        input: "blobs/sha256/3c5574564604f6d543f9ac9d0f226fd68f4f598cb0295163d0d6be750478de11",
        reason: "image has no RepoTags (saved by ID), so its name is unknown",
      },
    ]);
  });

  test("entries are located by line and path when pretty-printed", async () => {
    const text = JSON.stringify(
      [
        { Config: "c1", RepoTags: ["nginx:1", "Bad:1"], Layers: [] },
        { Config: "c2", RepoTags: [], Layers: [] },
      ],
      null,
      2,
    );
    const result = await readText(text);
    assert.deepEqual(refsWithLines(result), [["docker.io/library/nginx:1", 5]]);
    assert.deepEqual(result.errors, [
      {
        line: 6,
        path: "[0].RepoTags[1]",
        input: "Bad:1",
        message: "invalid reference format: repository name (library/Bad) must be lowercase",
      },
    ]);
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.input]),
      [[10, "c2"]],
    );
  });
});

describe("Zarf zarf.yaml", () => {
  test("components[].images[]; oci:// entries are skipped, not errors", async () => {
    const result = await readFixture("zarf.yaml");
    assert.equal(result.format, "zarf");
    assert.equal(result.images.length, 14);
    assert.deepEqual(result.images[0], {
      input: "quay.io/k0sproject/coredns:1.12.2",
      ref: "quay.io/k0sproject/coredns:1.12.2",
      registry: "quay.io",
      repository: "k0sproject/coredns",
      tag: "1.12.2",
      digest: null,
      line: 12,
    });
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.input]),
      [[26, "oci://ghcr.io/k0rdent/kcm/charts/kcm:1.6.0"]],
    );
    assert.match(result.skipped[0]?.reason ?? "", /not container images/);
    assert.deepEqual(result.errors, []);
  });

  test("a bad image gets its YAML path; the good ones still count", async () => {
    const text = [
      "kind: ZarfPackageConfig",
      "metadata: {name: x}",
      "components:",
      "  - name: a",
      "    images: [nginx]",
      "  - name: b",
      "    images:",
      "      - quay.io/a/b:1",
      "      - quay.io/a/b:1+bad",
      "      - {not: a string}",
    ].join("\n");
    const result = await readText(text);
    assert.deepEqual(refsWithLines(result), [
      ["docker.io/library/nginx", 5],
      ["quay.io/a/b:1", 8],
    ]);
    assert.deepEqual(result.errors, [
      {
        line: 9,
        path: "components[1].images[1]",
        input: "quay.io/a/b:1+bad",
        message: "invalid reference format",
      },
      {
        line: 10,
        path: "components[1].images[2]",
        input: "",
        message: "expected an image reference string",
      },
    ]);
  });
});

describe("Hauler manifest", () => {
  test("several documents: Images are read, Charts entries are skipped", async () => {
    const result = await readFixture("hauler-manifest.yaml");
    assert.equal(result.format, "hauler");
    assert.deepEqual(refsWithLines(result), [
      ["docker.io/library/busybox", 8],
      ["quay.io/k0sproject/k0s:v1.32.8-k0s.0", 9],
      ["ghcr.io/k0rdent/kcm/controller:1.6.0", 11],
      [
        "gcr.io/distroless/base@sha256:7fa7445dfbebae4f4b7ab0e6ef99276e96075ae42584af6286ba080750d6dfe5",
        12,
      ],
    ]);
    assert.deepEqual(result.skipped, [
      { line: 20, input: "kcm", reason: "Hauler Charts entry, not a container image" },
    ]);
  });

  test("an unnamed image is an error with its path", async () => {
    const text =
      "apiVersion: content.hauler.cattle.io/v1\nkind: Images\nspec:\n  images:\n    - name: nginx\n    - platform: linux/amd64\n";
    const result = await readText(text);
    assert.equal(result.images.length, 1);
    assert.deepEqual(result.errors, [
      { line: 6, path: "spec.images[1].name", input: "", message: "image entry has no name" },
    ]);
  });
});

describe("skopeo sync YAML", () => {
  test("registry + repo + tag; digests, empty tag lists and regex selections", async () => {
    const result = await readFixture("skopeo-sync.yaml");
    assert.equal(result.format, "skopeo-sync");
    assert.deepEqual(refsWithLines(result), [
      ["registry.example.com/redis:1.0", 6],
      ["registry.example.com/redis:2.0", 7],
      [`registry.example.com/redis@sha256:${"0".repeat(32)}${"1".repeat(32)}`, 8],
      ["quay.io/coreos/etcd:latest", 20],
    ]);
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.input]),
      [
        [4, "registry.example.com/busybox"],
        [10, "registry.example.com/nginx"],
      ],
    );
    assert.match(result.skipped[0]?.reason ?? "", /every tag/);
    assert.match(result.skipped[1]?.reason ?? "", /images-by-tag-regex/);
    assert.equal(result.errors.length, 0);
  });
});

describe("mindthegap images YAML", () => {
  test("unquoted tags stay exactly as written (1.20 is not 1.2)", async () => {
    const result = await readFixture("mindthegap-images.yaml");
    assert.equal(result.format, "mindthegap");
    assert.deepEqual(refsWithLines(result), [
      ["docker.io/library/nginx:1.20", 6],
      ["docker.io/library/nginx:1.18", 7],
      ["docker.io/calico/node:v3.29.4", 9],
      ["registry.k8s.io/pause:3.10", 13],
      ["registry.k8s.io/coredns/coredns:v1.11.1", 15],
    ]);
    assert.deepEqual(result.images.map((i) => i.tag).slice(0, 2), ["1.20", "1.18"]);
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.input, s.reason]),
      [[19, "test.registry.io/test-image", "no tags listed for this repository"]],
    );
    assert.deepEqual(result.errors, []);
  });

  test("without skopeo or mindthegap keys the file name breaks the tie", async () => {
    const text = "quay.io:\n  images:\n    a/b:\n      - 1.20\n";
    assert.equal((await readText(text)).format, "skopeo-sync");
    const named = await readText(text, "mindthegap-images.yaml");
    assert.equal(named.format, "mindthegap");
    assert.deepEqual(named.errors, []);
    assert.deepEqual(refsWithLines(named), [["quay.io/a/b:1.20", 4]]);
  });
});

describe("k0rdent Markdown bundle catalog", () => {
  test("Image | Version tables become entries; chart rows are skipped; missing hosts are flagged", async () => {
    const result = await readFixture("k0rdent-bundle.md");
    assert.equal(result.format, "k0rdent-markdown");
    assert.deepEqual(refsWithLines(result), [
      ["docker.io/library/kcm-controller:1.6.0", 9],
      ["ghcr.io/k0rdent/kcm/telemetry:1.6.0", 10],
      ["docker.io/k0sproject/k0s:v1.32.8-k0s.0", 11],
    ]);
    assert.deepEqual(result.errors, [
      {
        line: 12,
        input: "Not A Valid Name:1",
        message:
          "invalid reference format: repository name (library/Not A Valid Name) must be lowercase",
      },
    ]);
    assert.deepEqual(
      result.skipped.map((s) => [s.line, s.input]),
      [
        [18, "kcm:1.6.0"],
        [19, "cert-manager:v1.19.1"],
        [9, "kcm-controller:1.6.0"],
      ],
    );
    assert.match(result.skipped[0]?.reason ?? "", /Helm chart/);
    assert.match(
      result.skipped[2]?.reason ?? "",
      /^2 image name\(s\).*no registry host.*docker\.io/,
    );
  });
});
