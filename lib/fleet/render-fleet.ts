import type { FleetSettings } from "@/lib/inventory/settings";
import type { NodePublic } from "@/lib/inventory/types";
import { render, renderEach } from "@/lib/render";
import type { RenderedNode, RenderInput, RenderResult } from "@/lib/render/types";

/**
 * A node's files are always render(settings, node): this is that call, for a set of nodes. Pure.
 * The catalog is not passed: it only feeds path-collision warnings, which the config page shows,
 * and checking 100k references on every check run, apply and export would be wasted work.
 */
export function renderFleet(settings: FleetSettings, nodes: NodePublic[]): RenderResult {
  return render(fleetInput(settings, nodes));
}

/**
 * renderFleet for streamed exports: each node's files rendered only when that node is reached,
 * without the install scripts (they stay on the console).
 */
export function renderFleetEach(
  settings: FleetSettings,
  nodes: NodePublic[],
): Iterable<RenderedNode> {
  return renderEach(fleetInput(settings, nodes), { installScripts: false }).nodes;
}

function fleetInput(settings: FleetSettings, nodes: NodePublic[]): RenderInput {
  return {
    k0sVersion: settings.k0sVersion,
    registries: settings.registries,
    mirror: settings.mirror,
    nodes: nodes.map((node) => ({
      name: node.name,
      role: node.role,
      registryAddress: node.registryAddress ?? undefined,
    })),
  };
}
