import { parse, stringify } from "smol-toml";
import { CERTS_DIR, TOML_HEADER } from "./hosts-toml";

export const CRI_DROP_IN_PATH = "/etc/k0s/containerd.d/cri-registry.toml";

/** The CRI plugin table that holds `registry` on each containerd config line. */
const REGISTRY_PLUGIN = {
  v2: "io.containerd.grpc.v1.cri",
  v3: "io.containerd.cri.v1.images",
} as const;

/**
 * The drop-in that points CRI at certs.d. k0s ≤ 1.35 merges it into its CRI config (version 2);
 * k0s ≥ 1.36 refuses any drop-in with version 2 or the grpc.v1.cri table, so it gets version 3.
 */
export function renderCriDropIn(line: "v2" | "v3"): string {
  const document = {
    version: line === "v2" ? 2 : 3,
    plugins: { [REGISTRY_PLUGIN[line]]: { registry: { config_path: CERTS_DIR } } },
  };
  return `${TOML_HEADER}${stringify(document)}\n`;
}

export interface DropInProblem {
  code: "mirrors-with-config-path" | "wrong-config-line" | "invalid-toml";
  message: string;
}

/**
 * Pitfalls in a containerd drop-in (rendered here or found on a node): `mirrors`/`configs` beside
 * `config_path` make the CRI plugin fail to load; a v2 file stops k0s ≥ 1.36 at pre-flight.
 */
export function lintDropIn(content: string, line: "v2" | "v3"): DropInProblem[] {
  let document: Record<string, unknown>;
  try {
    document = parse(content) as Record<string, unknown>;
  } catch (error) {
    return [
      {
        code: "invalid-toml",
        message: `not valid TOML: ${(error as Error).message.split("\n")[0]}`,
      },
    ];
  }
  const problems: DropInProblem[] = [];
  const plugins = asTable(document.plugins);
  for (const [name, plugin] of Object.entries(plugins)) {
    const registry = asTable(asTable(plugin).registry);
    if ("config_path" in registry && ("mirrors" in registry || "configs" in registry)) {
      problems.push({
        code: "mirrors-with-config-path",
        message: `plugins."${name}".registry sets mirrors/configs together with config_path: containerd refuses to load the CRI plugin`,
      });
    }
  }
  if (line === "v3" && (document.version === 2 || REGISTRY_PLUGIN.v2 in plugins)) {
    problems.push({
      code: "wrong-config-line",
      message: `version 2 / plugins."${REGISTRY_PLUGIN.v2}" drop-ins make k0s ≥ 1.36 fail its pre-flight checks`,
    });
  }
  if (line === "v2" && document.version === 3) {
    problems.push({
      code: "wrong-config-line",
      message:
        "version 3 drop-ins make containerd 1.7 (k0s ≤ 1.35) fail with unsupported config version",
    });
  }
  return problems;
}

function asTable(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
