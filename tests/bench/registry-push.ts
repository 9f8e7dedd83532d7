/**
 * Registry push bench: a generated ≥ 1 GiB .tar.gz bundle in the k0rdent Enterprise layout (≥ 20
 * images of random, incompressible layers) pushed into an empty registry by the console's engine,
 * side by side with the documented procedure on the same bundle into another empty registry
 * (extract, then `skopeo copy -a oci-archive:<file> docker://…` once per file), then both re-pushed.
 * Targets (issue 11): ≥ 2× faster than the procedure, re-push ≤ 30 % of the first push with no
 * blob byte uploaded, the console's peak RSS ≤ 250 MiB.
 *
 *   npx tsx tests/bench/registry-push.ts [images=22] [layerMiB=50] [concurrency=4]
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { RegistryClient } from "@/lib/registry/client";
import { pushBundle } from "@/lib/registry/push";
import { ociArchive, randomImageArtifact, writeBundle } from "../lab/bundle";
import { startLabRun } from "../lab/lab-run";
import { startPushRegistry } from "../lab/push-registry";
import { type Figure, seconds } from "./measure";

const PREFIX = "k0rdent-enterprise";

interface ChildResult {
  ms: number;
  uploadedBytes: number;
  skippedBytes: number;
  failed: number;
  peakRssMiB: number;
}

/** The console's push in a process of its own, so its peak RSS is the push's alone. */
async function child(bundle: string, url: string, concurrency: number): Promise<void> {
  const client = new RegistryClient({ url });
  const started = performance.now();
  const summary = await pushBundle(bundle, { client, prefix: PREFIX, concurrency });
  client.close();
  const result: ChildResult = {
    ms: performance.now() - started,
    uploadedBytes: summary.uploadedBytes,
    skippedBytes: summary.skippedBytes,
    failed: summary.failed,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(result));
}

function consolePush(bundle: string, url: string, concurrency: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", __filename, "--child", bundle, url, String(concurrency)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (code !== 0) reject(new Error(`console push exited ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as ChildResult);
    });
  });
}

function timed(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

/** The documented procedure: one `skopeo copy -a` per extracted file, one after the other. */
function skopeoPushAll(extracted: string, address: string): number {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".tar")) files.push(path);
    }
  };
  walk(extracted);
  return timed(() => {
    for (const file of files) {
      const rel = relative(extracted, file);
      const cut = rel.lastIndexOf("_");
      const target = `${PREFIX}/${rel.slice(0, cut)}:${rel.slice(cut + 1, -4)}`;
      execFileSync(
        "skopeo",
        [
          "copy",
          "-a",
          "--quiet",
          "--insecure-policy",
          "--dest-tls-verify=false",
          `oci-archive:${file}`,
          `docker://${address}/${target}`,
        ],
        { stdio: ["ignore", "ignore", "inherit"] },
      );
    }
  });
}

async function main(): Promise<void> {
  const [imagesArg, layerArg, concurrencyArg] = process.argv.slice(2);
  const images = Number(imagesArg ?? 22);
  const layerMiB = Number(layerArg ?? 50);
  const concurrency = Number(concurrencyArg ?? 4);
  const run = await startLabRun();
  const consoleRegistry = await startPushRegistry(run, "plain");
  const procedureRegistry = await startPushRegistry(run, "plain");
  try {
    const bundle = join(run.dir, "airgap-bundle.tar.gz");
    const generated = timed(() => undefined);
    const genStart = performance.now();
    await writeBundle(
      bundle,
      (function* () {
        for (let i = 0; i < images; i++) {
          const dir = ["k0sproject", "k8s", "capi", "jetstack", "provider_aws"][i % 5];
          const artifact = randomImageArtifact(
            `${dir}/image_${i}_v1.${i}.0.tar`,
            layerMiB * 1024 * 1024,
          );
          yield { name: artifact.entry, data: ociArchive(artifact) };
        }
      })(),
    );
    const bundleBytes = statSync(bundle).size;
    console.error(
      `bundle: ${images} images, ${(bundleBytes / 1024 ** 3).toFixed(2)} GiB, generated in ${seconds(performance.now() - genStart + generated)}`,
    );

    const first = await consolePush(bundle, consoleRegistry.connection.url, concurrency);
    const again = await consolePush(bundle, consoleRegistry.connection.url, concurrency);
    console.error(`console: ${JSON.stringify(first)} / re-push ${JSON.stringify(again)}`);

    const extracted = run.mkdir("extracted");
    mkdirSync(extracted, { recursive: true });
    const extractMs = timed(() => execFileSync("tar", ["-xzf", bundle, "-C", extracted]));
    const address = new URL(procedureRegistry.connection.url).host;
    const copyMs = skopeoPushAll(extracted, address);
    const recopyMs = skopeoPushAll(extracted, address);
    const procedureMs = extractMs + copyMs;
    console.error(
      `procedure: extract ${seconds(extractMs)} + skopeo ${seconds(copyMs)}; re-push ${seconds(recopyMs)}`,
    );

    const speedup = procedureMs / first.ms;
    const figures: Figure[] = [
      {
        name: `registry push: ${images} images, ${(bundleBytes / 1024 ** 3).toFixed(2)} GiB .tar.gz`,
        value: `${seconds(first.ms)} (procedure ${seconds(procedureMs)}: ${speedup.toFixed(1)}×)`,
        target: "≥ 2× faster than extract + skopeo copy -a",
        peakRssMiB: first.peakRssMiB,
        note: `procedure = tar -xzf ${seconds(extractMs)} + skopeo copy -a per file ${seconds(copyMs)}; console concurrency ${concurrency}, failed ${first.failed}; peak RSS target ≤ 250 MiB`,
      },
      {
        name: "registry re-push (same bundle)",
        value: `${seconds(again.ms)} = ${Math.round((100 * again.ms) / first.ms)} % of the push, ${again.uploadedBytes} blob bytes sent (procedure re-push ${seconds(recopyMs)})`,
        target: "no blob bytes, ≤ 30 % of the first push",
        peakRssMiB: again.peakRssMiB,
      },
    ];
    console.log(JSON.stringify(figures));
  } finally {
    await consoleRegistry.stop();
    await procedureRegistry.stop();
    run.dispose();
  }
}

if (process.argv[2] === "--child") {
  const [, , , bundle = "", url = "", concurrency = "4"] = process.argv;
  void child(bundle, url, Number(concurrency));
} else {
  void main();
}
