import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { unzipSync } from "fflate";
import { renderBundle } from "@/lib/bundle/render-bundle";
import { render } from "@/lib/render";
import type { RenderInput } from "@/lib/render/types";

const input: RenderInput = {
  k0sVersion: "1.32.8",
  registries: ["quay.io", "registry.k8s.io"],
  mirror: { address: "10.0.0.5:5000", scheme: "http" },
  nodes: [
    { name: "cp-1", role: "controller+worker", registryAddress: "127.0.0.1:5000" },
    { name: "w-1", role: "worker" },
  ],
};

async function unzip(stream: ReadableStream<Uint8Array>) {
  return unzipSync(new Uint8Array(await new Response(stream).arrayBuffer()));
}

test("the zip holds every node's files at their target paths, a manifest, checksums and a README", async () => {
  const result = render(input);
  const entries = await unzip(renderBundle(result, input, new Date("2026-11-27T00:00:00Z")));
  const text = (name: string) => new TextDecoder().decode(entries[name]);

  for (const node of result.nodes) {
    for (const file of node.files) {
      const name = `${node.name}/${file.path.replace(/^\//, "")}`;
      assert.equal(text(name), file.content, name);
    }
  }
  const manifest = JSON.parse(text("manifest.json"));
  assert.equal(manifest.k0sVersion, "1.32.8");
  assert.deepEqual(manifest.inputs, input);
  assert.deepEqual(
    manifest.nodes.map((node: { name: string }) => node.name),
    ["cp-1", "w-1"],
  );
  for (const node of manifest.nodes) {
    for (const file of node.files) {
      const content = entries[`${node.name}/${file.path.replace(/^\//, "")}`];
      assert.ok(content);
      assert.equal(createHash("sha256").update(content).digest("hex"), file.sha256);
    }
  }
  const sums = text("SHA256SUMS").trim().split("\n");
  assert.equal(
    sums.length,
    result.nodes.reduce((count, node) => count + node.files.length, 0),
  );
  assert.match(text("README.md"), /sha256sum -c SHA256SUMS/);
});

test("zip entries carry the Unix mode of each file", async () => {
  const result = render(input);
  const bytes = new Uint8Array(
    await new Response(renderBundle(result, input, new Date())).arrayBuffer(),
  );
  const modes = centralDirectoryModes(bytes);
  assert.equal(modes.get("cp-1/install.sh"), 0o100755);
  assert.equal(modes.get("cp-1/etc/k0s/containerd.d/cri-registry.toml"), 0o100644);
});

/** name → Unix mode, read from the zip's central directory (external attributes, high 16 bits). */
function centralDirectoryModes(bytes: Uint8Array): Map<string, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const modes = new Map<string, number>();
  for (let offset = 0; offset + 46 <= bytes.length; offset += 1) {
    if (view.getUint32(offset, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(offset + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    modes.set(name, view.getUint32(offset + 38, true) >>> 16);
  }
  return modes;
}
