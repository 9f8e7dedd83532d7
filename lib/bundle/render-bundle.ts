import type { RenderInput, RenderResult } from "@/lib/render/types";
import { bundleReadme } from "./readme";
import { type ZipEntry, zipStream } from "./zip";

/**
 * The zip a user downloads: one folder per node holding the files at their target paths, plus
 * manifest.json (inputs and every file's sha256), SHA256SUMS for `sha256sum -c`, and a README.
 */
export function renderBundle(
  result: RenderResult,
  input: RenderInput,
  now: Date,
): ReadableStream<Uint8Array> {
  return zipStream(bundleGroups(result, input, now), now);
}

function* bundleGroups(result: RenderResult, input: RenderInput, now: Date): Generator<ZipEntry[]> {
  for (const node of result.nodes) {
    yield node.files.map((file) => ({
      name: `${node.name}/${file.path.replace(/^\/+/, "")}`,
      mode: file.mode,
      content: file.content,
    }));
  }
  yield [
    {
      name: "manifest.json",
      mode: "0644",
      content: `${JSON.stringify(manifest(result, input, now), null, 2)}\n`,
    },
    { name: "SHA256SUMS", mode: "0644", content: checksums(result) },
    { name: "README.md", mode: "0644", content: bundleReadme(result) },
  ];
}

function manifest(result: RenderResult, input: RenderInput, now: Date) {
  return {
    generatedBy: "k0rdent airgap console",
    generatedAt: now.toISOString(),
    k0sVersion: result.k0sVersion,
    containerdConfigLine: result.configLine,
    inputs: input,
    warnings: result.warnings,
    nodes: result.nodes.map((node) => ({
      name: node.name,
      role: node.role,
      registryAddress: node.registryAddress,
      files: node.files.map(({ path, mode, sha256 }) => ({ path, mode, sha256 })),
    })),
  };
}

function checksums(result: RenderResult): string {
  return result.nodes
    .flatMap((node) =>
      node.files.map((file) => `${file.sha256}  ${node.name}/${file.path.replace(/^\/+/, "")}\n`),
    )
    .join("");
}
