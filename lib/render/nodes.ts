import { RenderInputError } from "./errors";
import { canonicalRegistry, isLoopback } from "./registry-host";
import type { NodeRole, NodeSpec, RenderWarning } from "./types";

export interface CheckedNode {
  name: string;
  role: NodeRole;
  registryAddress: string;
  initialController: boolean;
}

/** Node names become folder names in the zip, so they are kept to a safe alphabet. */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const NODE_ROLES = ["controller", "controller+worker", "worker", "single"] as const;
/** the roles that run a control plane (the first of them initialises the cluster) */
export const CONTROL_PLANE: readonly NodeRole[] = ["controller", "controller+worker", "single"];

export function checkNodes(
  nodes: NodeSpec[] | undefined,
  mirrorAddress: string,
  warnings: RenderWarning[],
): CheckedNode[] {
  const specs = nodes ?? [{ name: "localhost", role: "single" as const }];
  const seen = new Set<string>();
  const checked = specs.map((node, index) => {
    const field = `nodes[${index}]`;
    if (typeof node.name !== "string" || !NODE_NAME.test(node.name) || node.name.endsWith(".")) {
      throw new RenderInputError(
        `${field}.name`,
        `"${String(node.name)}" must be 1-63 letters, digits, '.', '_' or '-'`,
      );
    }
    if (seen.has(node.name))
      throw new RenderInputError(`${field}.name`, `"${node.name}" is listed twice`);
    seen.add(node.name);
    if (!(NODE_ROLES as readonly string[]).includes(node.role)) {
      throw new RenderInputError(
        `${field}.role`,
        `"${String(node.role)}" must be one of ${NODE_ROLES.join(", ")}`,
      );
    }
    const registryAddress = node.registryAddress?.trim()
      ? canonicalRegistry(node.registryAddress, `${field}.registryAddress`)
      : mirrorAddress;
    return { name: node.name, role: node.role, registryAddress, initialController: false };
  });
  const initial = checked.find((node) => CONTROL_PLANE.includes(node.role));
  if (initial) initial.initialController = true;
  warnings.push(...topologyWarnings(checked));
  return checked;
}

function topologyWarnings(nodes: CheckedNode[]): RenderWarning[] {
  const warnings: RenderWarning[] = [];
  if (nodes.length > 0 && !nodes.some((node) => node.initialController)) {
    warnings.push({
      code: "no-controller",
      message: "no controller among the nodes: workers need a join token created on a controller",
    });
  }
  const single = nodes.find((node) => node.role === "single");
  if (single && nodes.length > 1) {
    warnings.push({
      code: "single-with-others",
      subject: single.name,
      message: `${single.name} is a single-node cluster (--single), which no other node can join`,
    });
  }
  const onLoopback = nodes.filter((node) => isLoopback(node.registryAddress));
  if (onLoopback.length > 1) {
    warnings.push({
      code: "loopback-registry-address",
      subject: onLoopback.map((node) => node.name).join(", "),
      message: `${onLoopback.length} nodes use a loopback registry address (${onLoopback[0]?.registryAddress}); only the node that hosts the registry can reach it there — give the others an address they can reach`,
    });
  }
  return warnings;
}
