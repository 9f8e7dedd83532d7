import assert from "node:assert/strict";
import { test } from "node:test";
import { lintDropIn, renderCriDropIn } from "@/lib/render/cri-drop-in";

test("the rendered drop-ins have no known problem on their own line", () => {
  assert.deepEqual(lintDropIn(renderCriDropIn("v2"), "v2"), []);
  assert.deepEqual(lintDropIn(renderCriDropIn("v3"), "v3"), []);
});

test("a drop-in for the wrong containerd line is flagged both ways", () => {
  assert.deepEqual(
    lintDropIn(renderCriDropIn("v2"), "v3").map((p) => p.code),
    ["wrong-config-line"],
  );
  assert.deepEqual(
    lintDropIn(renderCriDropIn("v3"), "v2").map((p) => p.code),
    ["wrong-config-line"],
  );
});

test("mirrors beside config_path is flagged", () => {
  const content = `version = 2
[plugins."io.containerd.grpc.v1.cri".registry]
config_path = "/etc/k0s/containerd.d/certs.d"
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
endpoint = ["http://10.0.0.5:5000"]
`;
  assert.deepEqual(
    lintDropIn(content, "v2").map((p) => p.code),
    ["mirrors-with-config-path"],
  );
});

test("a file that is not TOML is reported, not thrown", () => {
  const [problem] = lintDropIn('version = 2\n[plugins\nx = "', "v2");
  assert.equal(problem?.code, "invalid-toml");
});
