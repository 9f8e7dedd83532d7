/** Render + zip for 1,000 nodes × 10 registries (target: under 1 s). */
import { renderBundle } from "@/lib/bundle/render-bundle";
import { render } from "@/lib/render";
import type { RenderInput } from "@/lib/render/types";
import { medianMs, peakRssMiB } from "./measure";

const input: RenderInput = {
  k0sVersion: "1.32.8",
  registries: [
    "registry.k8s.io",
    "quay.io",
    "docker.io",
    "ghcr.io",
    "gcr.io",
    "mcr.microsoft.com",
    "public.ecr.aws",
    "nvcr.io",
    "registry.gitlab.com",
    "k8s.gcr.io",
  ],
  mirror: { address: "10.0.0.5:5000", scheme: "http", layout: "per-registry" },
  nodes: Array.from({ length: 1000 }, (_, i) => ({
    name: `node-${i}`,
    role: i < 3 ? ("controller" as const) : ("worker" as const),
    registryAddress: i === 0 ? "127.0.0.1:5000" : undefined,
  })),
};

async function main() {
  let bytes = 0;
  let files = 0;
  const ms = await medianMs(3, async () => {
    const result = render(input);
    files = result.nodes.reduce((count, node) => count + node.files.length, 0);
    bytes = (await new Response(renderBundle(result, input, new Date())).arrayBuffer()).byteLength;
  });
  console.log(
    JSON.stringify([
      {
        name: "render + zip, 1,000 nodes × 10 registries",
        value: `${(ms / 1000).toFixed(3)} s (${files.toLocaleString("en")} files, ${(bytes / 1024 ** 2).toFixed(1)} MiB zip)`,
        target: "< 1 s",
        peakRssMiB: peakRssMiB(),
      },
    ]),
  );
}

void main();
