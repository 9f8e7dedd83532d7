import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  familiarName,
  InvalidReferenceError,
  isValidRegistryHost,
  isValidTag,
  parseNormalizedNamed,
  referenceErrors,
} from "../../lib/catalog/reference";

const sha256 = "a2ae3b11ae10903b7c1d9968e269c413289639ecbff18aa3c4b02d54d090d19e";
const sha384 = "e".repeat(96);
const sha512 = "f".repeat(128);

/**
 * [input, domain, path, tag, digest, familiar]. Every row was checked against Go's
 * distribution/reference v0.6.0 ParseNormalizedNamed (RE2 regexps, same checks).
 */
const normalised: [string, string, string, string | null, string | null, string][] = [
  // rule 2: no "/" → docker.io/library/<name>
  ["nginx", "docker.io", "library/nginx", null, null, "nginx"],
  ["nginx:1.27.3", "docker.io", "library/nginx", "1.27.3", null, "nginx:1.27.3"],
  // rule 3: the first element is not a domain → docker.io + whole input as path
  [
    "bitnami/kubectl:1.31.4",
    "docker.io",
    "bitnami/kubectl",
    "1.31.4",
    null,
    "bitnami/kubectl:1.31.4",
  ],
  ["a__b/c--d.e_f:x", "docker.io", "a__b/c--d.e_f", "x", null, "a__b/c--d.e_f:x"],
  // rule 4: docker.io and a one-element path → library/
  ["docker.io/nginx", "docker.io", "library/nginx", null, null, "nginx"],
  [
    "docker.io/library/busybox:latest",
    "docker.io",
    "library/busybox",
    "latest",
    null,
    "busybox:latest",
  ],
  // rule 3: index.docker.io is docker.io
  ["index.docker.io/foo", "docker.io", "library/foo", null, null, "foo"],
  ["index.docker.io/foo/bar:1", "docker.io", "foo/bar", "1", null, "foo/bar:1"],
  // rule 3: localhost, "." or ":" or uppercase make the first element a domain
  ["localhost/foo", "localhost", "foo", null, null, "localhost/foo"],
  [
    "localhost:5000/foo/bar:tag",
    "localhost:5000",
    "foo/bar",
    "tag",
    null,
    "localhost:5000/foo/bar:tag",
  ],
  ["example:5000/x", "example:5000", "x", null, null, "example:5000/x"],
  [
    "quay.io/k0sproject/k0s:v1.32.8-k0s.0",
    "quay.io",
    "k0sproject/k0s",
    "v1.32.8-k0s.0",
    null,
    "quay.io/k0sproject/k0s:v1.32.8-k0s.0",
  ],
  [
    "registry.k8s.io/pause:3.9",
    "registry.k8s.io",
    "pause",
    "3.9",
    null,
    "registry.k8s.io/pause:3.9",
  ],
  ["Foo/bar", "Foo", "bar", null, null, "Foo/bar"],
  [
    "Registry.Example.com:5000/team/app:1",
    "Registry.Example.com:5000",
    "team/app",
    "1",
    null,
    "Registry.Example.com:5000/team/app:1",
  ],
  [
    "xn--n3h.com/myimage:xn--n3h.com",
    "xn--n3h.com",
    "myimage",
    "xn--n3h.com",
    null,
    "xn--n3h.com/myimage:xn--n3h.com",
  ],
  [
    "192.168.1.1:5000/repo:5050",
    "192.168.1.1:5000",
    "repo",
    "5050",
    null,
    "192.168.1.1:5000/repo:5050",
  ],
  ["[::1]:5000/foo", "[::1]:5000", "foo", null, null, "[::1]:5000/foo"],
  ["[2001:db8::1]/repo:tag", "[2001:db8::1]", "repo", "tag", null, "[2001:db8::1]/repo:tag"],
  // consequence: a bare host:port is docker.io/library/<host> with the port as tag
  ["192.168.1.1:5000", "docker.io", "library/192.168.1.1", "5000", null, "192.168.1.1:5000"],
  // Go quirk: "foo_bar.com" has a "." so it is split off, but it is no valid domain → no domain at all
  ["foo_bar.com/x", "", "foo_bar.com/x", null, null, "foo_bar.com/x"],
  // tags keep their case; tag + digest; digest only; the three known algorithms
  [
    "lowercase:Uppercase",
    "docker.io",
    "library/lowercase",
    "Uppercase",
    null,
    "lowercase:Uppercase",
  ],
  [
    `docker.io/projectsveltos/addon-controller:v1.1.1@sha256:${sha256}`,
    "docker.io",
    "projectsveltos/addon-controller",
    "v1.1.1",
    `sha256:${sha256}`,
    `projectsveltos/addon-controller:v1.1.1@sha256:${sha256}`,
  ],
  [
    `busybox@sha256:${sha256}`,
    "docker.io",
    "library/busybox",
    null,
    `sha256:${sha256}`,
    `busybox@sha256:${sha256}`,
  ],
  [
    `quay.io/x/y@sha384:${sha384}`,
    "quay.io",
    "x/y",
    null,
    `sha384:${sha384}`,
    `quay.io/x/y@sha384:${sha384}`,
  ],
  [
    `quay.io/x/y:1@sha512:${sha512}`,
    "quay.io",
    "x/y",
    "1",
    `sha512:${sha512}`,
    `quay.io/x/y:1@sha512:${sha512}`,
  ],
  // limits: a 255-character path and a 128-character tag are still fine
  [
    `x.io/${"a/".repeat(127)}a`,
    "x.io",
    `${"a/".repeat(127)}a`,
    null,
    null,
    `x.io/${"a/".repeat(127)}a`,
  ],
  [
    `nginx:${"t".repeat(128)}`,
    "docker.io",
    "library/nginx",
    "t".repeat(128),
    null,
    `nginx:${"t".repeat(128)}`,
  ],
];

/** [input, Go's error message] */
const rejected: [string, string][] = [
  ["", "invalid reference format"],
  ["Foo", "invalid reference format: repository name (library/Foo) must be lowercase"],
  ["foo/Bar", "invalid reference format: repository name (foo/Bar) must be lowercase"],
  [
    "test:5000/Uppercase/lowercase:tag",
    "invalid reference format: repository name (Uppercase/lowercase) must be lowercase",
  ],
  [
    `foo@SHA256:${sha256}`,
    "invalid reference format: repository name (library/foo@SHA256) must be lowercase",
  ],
  // uppercase only outside the checked part: Parse's own lower-casing check (K is the Kelvin sign)
  ["\u212A.com/x", "repository name must be lowercase"],
  ["\u0130.com/x", "repository name must be lowercase"],
  // rule 1
  [sha256, `invalid repository name (${sha256}), cannot specify 64-byte hexadecimal strings`],
  // grammar
  ["quay.io/k0sproject/k0s:v1.32.8+k0s.0", "invalid reference format"],
  ["oci://ghcr.io/k0rdent/kcm/charts/kcm:1.6.0", "invalid reference format"],
  ["docker://nginx", "invalid reference format"],
  ["https://quay.io/x/y", "invalid reference format"],
  ["nginx latest", "invalid reference format"],
  ["nginx:", "invalid reference format"],
  ["quay.io/x/", "invalid reference format"],
  [":justtag", "invalid reference format"],
  [`@sha256:${sha256}`, "invalid reference format"],
  ["aa/asdf$$^/aa", "invalid reference format"],
  ["[2001:db8::1]:5000", "invalid reference format"],
  ["[fe80::1%eth0]:5000/repo", "invalid reference format"],
  [`nginx:${"t".repeat(129)}`, "invalid reference format"],
  // rule 6: the path, not the whole name, is limited
  [`${"a/".repeat(128)}a`, "repository name must not be more than 255 characters"],
  [`x.io/${"a/".repeat(128)}a:tag`, "repository name must not be more than 255 characters"],
  // rule 7 (go-digest v1.0.0)
  [`foo@md5:${"a".repeat(32)}`, "unsupported digest algorithm"],
  [`foo:tag@sha256+b64:${"a".repeat(32)}`, "unsupported digest algorithm"],
  [`foo@sha256:${"a".repeat(63)}`, "invalid checksum digest length"],
  [`foo@sha512:${"a".repeat(64)}`, "invalid checksum digest length"],
  [`foo@sha256:${"A".repeat(64)}`, "invalid checksum digest format"],
  [`foo:tag@SHA256:${"a".repeat(64)}`, "invalid checksum digest format"],
];

describe("parseNormalizedNamed: normalisation (Go's ParseNormalizedNamed)", () => {
  for (const [input, domain, path, tag, digest, familiar] of normalised) {
    test(JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input), () => {
      const ref = parseNormalizedNamed(input);
      const name = domain === "" ? path : `${domain}/${path}`;
      const normalized =
        name + (tag === null ? "" : `:${tag}`) + (digest === null ? "" : `@${digest}`);
      assert.deepEqual(ref, { domain, path, tag, digest, name, normalized, familiar });
    });
  }
});

describe("parseNormalizedNamed: errors carry Go's message", () => {
  for (const [input, message] of rejected) {
    test(JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input), () => {
      assert.throws(
        () => parseNormalizedNamed(input),
        (error: unknown) =>
          error instanceof InvalidReferenceError &&
          error.name === "InvalidReferenceError" &&
          error.message === message &&
          error.input === input,
      );
    });
  }
});

test("referenceErrors are Go's exported error strings", () => {
  assert.deepEqual(Object.values(referenceErrors), [
    "invalid reference format",
    "invalid tag format",
    "invalid digest format",
    "repository name must be lowercase",
    "repository name must have at least one component",
    "repository name must not be more than 255 characters",
    "repository name must be canonical",
    "unsupported digest algorithm",
    "invalid checksum digest length",
    "invalid checksum digest format",
  ]);
});

test("familiarName drops docker.io and a single-level library/", () => {
  assert.equal(familiarName({ domain: "docker.io", path: "library/redis" }), "redis");
  assert.equal(familiarName({ domain: "docker.io", path: "library/a/b" }), "library/a/b");
  assert.equal(familiarName({ domain: "docker.io", path: "dmcgowan/myapp" }), "dmcgowan/myapp");
  assert.equal(familiarName({ domain: "quay.io", path: "library/x" }), "quay.io/library/x");
});

describe("isValidRegistryHost: host or [ipv6], optional :port", () => {
  const valid = [
    "docker.io",
    "quay.io",
    "localhost",
    "localhost:5000",
    "10.0.0.5:5000",
    "[::1]",
    "[::1]:5000",
    "[2001:db8::1]:443",
    "Registry.Example.COM",
    "a",
    "xn--n3h.com:18080",
  ];
  const invalid = [
    "",
    "https://quay.io",
    "quay.io/",
    "quay.io:",
    "quay.io:port",
    "-bad.io",
    "bad-.io",
    "a..b",
    "[fe80::1%eth0]:5000",
    "host name",
    "10.0.0.5:5000/v2",
    "::1",
    "quay.io:5000:1",
  ];
  for (const host of valid)
    test(`accepts ${JSON.stringify(host)}`, () => assert.equal(isValidRegistryHost(host), true));
  for (const host of invalid)
    test(`rejects ${JSON.stringify(host)}`, () => assert.equal(isValidRegistryHost(host), false));
});

test("isValidTag follows [\\w][\\w.-]{0,127}", () => {
  assert.equal(isValidTag("v1.32.8-k0s.0"), true);
  assert.equal(isValidTag("_x"), true);
  assert.equal(isValidTag("t".repeat(128)), true);
  assert.equal(isValidTag("t".repeat(129)), false);
  assert.equal(isValidTag("v1.32.8+k0s.0"), false);
  assert.equal(isValidTag(".hidden"), false);
  assert.equal(isValidTag("a:b"), false);
});
