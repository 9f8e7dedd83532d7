/**
 * `npm run bench`: each benchmark runs in its own process so its peak memory is its own,
 * then the figures are printed side by side with their targets.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Figure } from "./measure";

const BENCHES = [
  "catalog-parse.ts",
  "render-zip.ts",
  "preflight.ts",
  "apply.ts",
  "hardening.ts",
  "fleet-page.ts",
  "registry-push.ts",
];

const figures: Figure[] = BENCHES.flatMap((file) => {
  const output = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, file)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(output.trim().split("\n").at(-1) ?? "[]") as Figure[];
});

const rows = [
  ["benchmark", "result", "target", "peak RSS"],
  ...figures.map((f) => [f.name, f.value, f.target, `${f.peakRssMiB} MiB`]),
];
const widths =
  rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
for (const row of rows)
  console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  "));
for (const figure of figures) if (figure.note) console.log(`- ${figure.name}: ${figure.note}`);
