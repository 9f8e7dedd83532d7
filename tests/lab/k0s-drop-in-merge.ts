import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "smol-toml";
import { run } from "./proc";

/**
 * What k0s ≤ 1.35 does with /etc/k0s/containerd.d/*.toml before it starts containerd 1.7:
 * containerd 1.x *replaces* a whole plugin table from an import, so every drop-in with a
 * `plugins."io.containerd.grpc.v1.cri"` table is merge-patched (RFC 7396-style) onto k0s's default
 * CRI config, written as containerd-cri.toml; the other drop-ins are plain imports.
 * (k0s pkg/component/worker/containerd/configurer.go, handleImports)
 */

export const CRI_PLUGIN = "io.containerd.grpc.v1.cri";
export const K0S_MANAGED_MARKER = "# k0s_managed=true";

export type Table = Record<string, unknown>;

export interface DropIn {
  /** absolute path as containerd sees it (it goes into `imports`) */
  path: string;
  content: string;
}

export interface K0sContainerdConfig {
  /** /etc/k0s/containerd.toml: `version = 2` + imports, with k0s's managed marker */
  main: string;
  /** containerd-cri.toml: default CRI config with the CRI drop-ins merged in */
  cri: string;
  /** the merged CRI document, for assertions */
  criDocument: Table;
  imports: string[];
  /** drop-ins that were merged into `cri` instead of imported */
  mergedDropIns: string[];
}

export function isTable(value: unknown): value is Table {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/** RFC 7396 merge patch: tables merge recursively, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isTable(patch)) return patch;
  const result: Table = isTable(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export function hasCriPluginTable(document: Table): boolean {
  return isTable(document.plugins) && CRI_PLUGIN in document.plugins;
}

/** Merge drop-ins the k0s way. Pure; throws on a drop-in that is not valid TOML, as k0s does. */
export function mergeK0sDropIns(input: {
  /** containerd's default `plugins."io.containerd.grpc.v1.cri"` table */
  defaultCri: Table;
  /** k0s sets its own pause image as sandbox_image */
  sandboxImage?: string;
  dropIns: DropIn[];
  /** where containerd-cri.toml will be, as containerd sees it (k0s: /run/k0s/containerd-cri.toml) */
  criConfigPath: string;
}): K0sContainerdConfig {
  const defaults = input.sandboxImage
    ? { ...input.defaultCri, sandbox_image: input.sandboxImage }
    : input.defaultCri;
  let cri: Table = { version: 2, plugins: { [CRI_PLUGIN]: defaults } };
  const imports: string[] = [];
  const mergedDropIns: string[] = [];
  // filepath.Glob returns lexical order; merges and imports follow it.
  const sorted = [...input.dropIns].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  for (const dropIn of sorted) {
    let document: Table;
    try {
      document = parse(dropIn.content) as Table;
    } catch (error) {
      throw new Error(`k0s: failed to parse ${dropIn.path}: ${(error as Error).message}`);
    }
    if (hasCriPluginTable(document)) {
      cri = mergePatch(cri, document) as Table;
      mergedDropIns.push(dropIn.path);
    } else {
      imports.push(dropIn.path);
    }
  }
  imports.push(input.criConfigPath);
  const main = `${K0S_MANAGED_MARKER}\n${stringify({ version: 2, imports })}\n`;
  return { main, cri: `${stringify(cri)}\n`, criDocument: cri, imports, mergedDropIns };
}

/** Read `<hostDir>/*.toml` (top level only, like k0s's glob), naming each by its path under `visibleDir`. */
export function readDropIns(hostDir: string, visibleDir: string): DropIn[] {
  let names: string[];
  try {
    names = readdirSync(hostDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".toml"))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
  return names.map((name) => ({
    path: `${visibleDir}/${name}`,
    content: readFileSync(join(hostDir, name), "utf8"),
  }));
}

let cachedDefault: Table | undefined;

/** containerd's own default CRI table (`containerd config default`), as k0s's criconfig.DefaultConfig(). */
export async function containerdDefaultCri(containerdBinary = "containerd"): Promise<Table> {
  if (!cachedDefault) {
    const document = parse(await run(containerdBinary, ["config", "default"])) as Table;
    const plugins = document.plugins;
    const cri = isTable(plugins) ? plugins[CRI_PLUGIN] : undefined;
    if (!isTable(cri))
      throw new Error(`\`${containerdBinary} config default\` has no ${CRI_PLUGIN} table`);
    cachedDefault = cri;
  }
  return cachedDefault;
}
