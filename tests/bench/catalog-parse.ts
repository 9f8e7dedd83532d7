/** Catalog parsing throughput: a generated 100,000-line plain list (target: under 0.5 s). */
import { readCatalog } from "@/lib/catalog";
import { medianMs, peakRssMiB } from "./measure";

const LINES = 100_000;
const registries = [
  "quay.io",
  "registry.k8s.io",
  "ghcr.io",
  "docker.io",
  "gcr.io",
  "registry.example.com:5000",
];

function generatedList(): Uint8Array {
  const lines: string[] = ["# generated catalog"];
  for (let i = 0; i < LINES; i += 1) {
    const registry = registries[i % registries.length];
    lines.push(
      i % 7 === 0
        ? `team${i % 97}/app-${i}:v1.${i % 50}.${i % 9}`
        : `${registry}/org${i % 31}/image-${i}:1.${i % 40}.0`,
    );
  }
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

async function main() {
  const list = generatedList();
  let images = 0;
  const ms = await medianMs(5, async () => {
    images = (await readCatalog(list)).images.length;
  });
  if (images !== LINES) throw new Error(`expected ${LINES} images, read ${images}`);
  console.log(
    JSON.stringify([
      {
        name: `catalog parse, ${LINES.toLocaleString("en")}-line list`,
        value: `${(ms / 1000).toFixed(3)} s (${Math.round(LINES / (ms / 1000)).toLocaleString("en")} lines/s)`,
        target: "< 0.5 s",
        peakRssMiB: peakRssMiB(),
      },
    ]),
  );
}

void main();
