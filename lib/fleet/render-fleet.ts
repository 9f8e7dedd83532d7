import { AppError } from "@/lib/errors";
import type { FleetSettings } from "@/lib/inventory/settings";
import type { NodePublic } from "@/lib/inventory/types";
import { render, renderEach } from "@/lib/render";
import type { NodeRole, RenderedNode, RenderInput, RenderResult } from "@/lib/render/types";

type FleetNode = Pick<NodePublic, "name" | "role" | "registryAddress">;

/** The node the config page renders while the fleet has none, so its settings can be previewed. */
export const SAMPLE_NODE: FleetNode = {
  name: "sample-node",
  role: "single",
  registryAddress: null,
};

/**
 * A node's files are always render(settings, node): this is that call, for a set of nodes. Pure.
 * The catalog's images only feed path-collision warnings: the config page passes them; checks,
 * applies and exports leave them out (checking 100k references each time would be wasted work).
 */
export function renderFleet(
  settings: FleetSettings,
  nodes: readonly FleetNode[],
  options: { images?: string[] } = {},
): RenderResult {
  return render({ ...fleetRenderInput(settings, nodes), images: options.images });
}

/**
 * renderFleet for streamed exports: each node's files rendered only when that node is reached,
 * without the install scripts (they stay on the console).
 */
export function renderFleetEach(
  settings: FleetSettings,
  nodes: readonly FleetNode[],
): Iterable<RenderedNode> {
  return renderEach(fleetRenderInput(settings, nodes), { installScripts: false }).nodes;
}

/** The render input of the fleet's settings and nodes (what a zip's manifest records). */
export function fleetRenderInput(
  settings: FleetSettings,
  nodes: readonly FleetNode[],
): RenderInput {
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

export interface FleetPreview extends RenderResult {
  /** every node of the fleet (or the sample node), whichever ones `nodes` holds files for */
  fleet: { name: string; role: NodeRole }[];
  /** true: the fleet is empty and the files are a sample node's */
  sample: boolean;
}

/**
 * What the config page previews and zips: the whole fleet rendered with the stored settings
 * (its warnings are the fleet's), with the files of every node or only of `only` ("" = the first
 * node); a sample node while the fleet is empty.
 */
export function previewFleet(
  settings: FleetSettings,
  inventory: readonly FleetNode[],
  options: { only?: string; images?: string[] } = {},
): FleetPreview {
  const sample = inventory.length === 0;
  const nodes = sample ? [SAMPLE_NODE] : inventory;
  const only = options.only === "" ? nodes[0]?.name : options.only;
  if (only !== undefined && !nodes.some((node) => node.name === only)) {
    throw new AppError("not_found:node", `no node named "${only}" in the fleet`);
  }
  const result = renderFleet(settings, nodes, { images: options.images });
  return {
    ...result,
    nodes: only === undefined ? result.nodes : result.nodes.filter((node) => node.name === only),
    fleet: nodes.map(({ name, role }) => ({ name, role })),
    sample,
  };
}
