import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  backoffMs,
  isTransientStatus,
  nextLink,
  parseChallenges,
  repositoryScope,
  tokenFromResponse,
  tokenUrl,
} from "@/lib/registry/auth-header";
import {
  annotatedTarget,
  bundleEntryTarget,
  isValidRepository,
  registryPaths,
  splitRegistryAddress,
  targetRepository,
  uploadCompletionUrl,
} from "@/lib/registry/reference";

describe("bundle entry → target reference (split at the last _)", () => {
  const cases: [string, string, string | { repository: string; tag: string }][] = [
    [
      "k8s/pause_3.9.tar",
      "k0rdent-enterprise",
      { repository: "k0rdent-enterprise/k8s/pause", tag: "3.9" },
    ],
    ["k0sproject/coredns_1.12.2.tar", "", { repository: "k0sproject/coredns", tag: "1.12.2" }],
    [
      "./charts/k0rdent-enterprise_1.1.0.tar",
      "p/",
      { repository: "p/charts/k0rdent-enterprise", tag: "1.1.0" },
    ],
    [
      "jetstack/cert_manager_controller_v1.16.2.tar",
      "k",
      { repository: "k/jetstack/cert_manager_controller", tag: "v1.16.2" },
    ],
    ["top_1.0.tar", "/pre/", { repository: "pre/top", tag: "1.0" }],
    ["../etc/pause_3.9.tar", "", "is outside the archive root (an absolute path or a .. segment)"],
    ["/abs/pause_3.9.tar", "", "is outside the archive root (an absolute path or a .. segment)"],
    ["a/../../pause_3.9.tar", "", "is outside the archive root (an absolute path or a .. segment)"],
    ["k8s/pause.tar", "", "is not named <name>_<tag>.tar"],
    ["k8s/pause_3.9.tar.gz", "", "is not named <name>_<tag>.tar"],
    ["k8s/_3.9.tar", "", "is not named <name>_<tag>.tar"],
    [
      "K8S/Pause_3.9.tar",
      "",
      'gives "K8S/Pause", not a valid repository name (lowercase letters, digits, . _ - separators)',
    ],
  ];
  for (const [entry, prefix, expected] of cases) {
    test(`${entry} under "${prefix}"`, () => {
      assert.deepEqual(bundleEntryTarget(entry, prefix), expected);
    });
  }
});

describe("annotated image names → path under the prefix (registry host dropped)", () => {
  const cases: [string, string | { repository: string; tag: string }][] = [
    ["quay.io/k0sproject/coredns:1.12.2", { repository: "pre/k0sproject/coredns", tag: "1.12.2" }],
    ["docker.io/library/busybox:1.36", { repository: "pre/library/busybox", tag: "1.36" }],
    ["busybox", { repository: "pre/library/busybox", tag: "latest" }],
    ["registry.k8s.io/pause:3.9", { repository: "pre/pause", tag: "3.9" }],
    [
      "a/Bad:1",
      '"a/Bad:1" is not an image reference (invalid reference format: repository name (a/Bad) must be lowercase)',
    ],
  ];
  for (const [name, expected] of cases) {
    test(name, () => assert.deepEqual(annotatedTarget(name, "pre"), expected));
  }
});

test("repository names by distribution's grammar", () => {
  const valid = ["a", "k0rdent-enterprise/k8s/pause", "a__b/c.d", "cert_manager", "a--b"];
  const invalid = ["", "A", "a/", "/a", "a//b", "a_", "-a", "a:b", "a/../b"];
  for (const name of valid) assert.equal(isValidRepository(name), true, name);
  for (const name of invalid) assert.equal(isValidRepository(name), false, name);
});

test("registry paths and addresses", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  assert.equal(targetRepository("", "k8s/pause"), "k8s/pause");
  assert.equal(
    targetRepository("/k0rdent-enterprise/", "k8s/pause"),
    "k0rdent-enterprise/k8s/pause",
  );
  assert.equal(registryPaths.blob("p/x", digest), `/v2/p/x/blobs/${digest}`);
  assert.equal(
    registryPaths.mount("p/x", digest, "p/y"),
    `/v2/p/x/blobs/uploads/?mount=sha256%3A${"a".repeat(64)}&from=p%2Fy`,
  );
  assert.equal(registryPaths.tags("p/x", 50), "/v2/p/x/tags/list?n=50");
  assert.equal(registryPaths.catalog(2), "/v2/_catalog?n=2");
  assert.equal(
    uploadCompletionUrl("/v2/x/blobs/uploads/u1?_state=s", "http://r:5000/", digest).href,
    `http://r:5000/v2/x/blobs/uploads/u1?_state=s&digest=sha256%3A${"a".repeat(64)}`,
  );
  assert.deepEqual(splitRegistryAddress("registry.local:5000/k0rdent-enterprise"), {
    host: "registry.local:5000",
    prefix: "k0rdent-enterprise",
  });
  assert.deepEqual(splitRegistryAddress("https://r:443/a/b/"), { host: "r:443", prefix: "a/b" });
  assert.deepEqual(splitRegistryAddress("r"), { host: "r", prefix: "" });
});

describe("WWW-Authenticate challenges", () => {
  const cases: [string, ReturnType<typeof parseChallenges>][] = [
    [
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.example/token",
            service: "registry.example",
            scope: "repository:a/b:pull,push",
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: "basic", params: { realm: "Registry Realm" } }]],
    [
      'Basic realm="x", Bearer realm="http://t/token", service=reg',
      [
        { scheme: "basic", params: { realm: "x" } },
        { scheme: "bearer", params: { realm: "http://t/token", service: "reg" } },
      ],
    ],
    ['bearer REALM = "a\\"b"', [{ scheme: "bearer", params: { realm: 'a"b' } }]],
    ["", []],
  ];
  for (const [header, expected] of cases) {
    test(header || "(empty)", () => assert.deepEqual(parseChallenges(header), expected));
  }

  test("token URL carries service and the request's scope", () => {
    const [challenge] = parseChallenges(
      'Bearer realm="http://t:1/token?x=1",service="reg",scope="old"',
    );
    assert.ok(challenge);
    assert.equal(
      tokenUrl(challenge, repositoryScope("p/a", ["pull", "push"])).href,
      "http://t:1/token?x=1&service=reg&scope=repository%3Ap%2Fa%3Apull%2Cpush",
    );
    assert.equal(tokenUrl(challenge, undefined).searchParams.get("scope"), "old");
    assert.deepEqual(
      tokenUrl(challenge, "repository:a:pull,push repository:b:pull").searchParams.getAll("scope"),
      ["repository:a:pull,push", "repository:b:pull"],
    );
    assert.throws(() => tokenUrl({ scheme: "bearer", params: {} }, undefined), /no realm/);
  });

  test("token from the answer", () => {
    assert.equal(tokenFromResponse({ token: "t1" }), "t1");
    assert.equal(tokenFromResponse({ access_token: "t2" }), "t2");
    assert.equal(tokenFromResponse({ token: "" }), undefined);
    assert.equal(tokenFromResponse("t"), undefined);
  });
});

describe("Link header pagination", () => {
  const cases: [string | undefined, string | undefined][] = [
    ['</v2/_catalog?last=b&n=2>; rel="next"', "/v2/_catalog?last=b&n=2"],
    ["</v2/x/tags/list?last=1.0&n=50>; rel=next", "/v2/x/tags/list?last=1.0&n=50"],
    ['</prev>; rel="prev", </next?a=1,2>; rel="next"', "/next?a=1,2"],
    ['</v2/_catalog?last=b>; rel="nextish"', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) {
    test(String(header), () => assert.equal(nextLink(header), expected));
  }
});

test("retry: transient statuses and backoff", () => {
  for (const status of [500, 502, 503, 429, 408]) assert.equal(isTransientStatus(status), true);
  for (const status of [400, 401, 403, 404, 409]) assert.equal(isTransientStatus(status), false);
  assert.equal(backoffMs(1, 100, 0.5), 100);
  assert.equal(backoffMs(3, 100, 0.5), 400);
  assert.equal(backoffMs(3, 100, 0), 300);
  assert.equal(backoffMs(20, 100, 0.5), 10_000);
  assert.equal(backoffMs(1, 100, 0.5, "2"), 2000);
  assert.equal(backoffMs(1, 100, 0.5, "3600"), 10_000);
  assert.equal(backoffMs(2, 100, 0.5, "Wed, 21 Oct 2015 07:28:00 GMT"), 200);
});
