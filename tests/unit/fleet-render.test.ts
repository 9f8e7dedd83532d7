import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "@/lib/errors";
import { previewFleet, renderFleet, SAMPLE_NODE } from "@/lib/fleet/render-fleet";
import { DEFAULT_FLEET_SETTINGS, type FleetSettings } from "@/lib/inventory/settings";

const settings: FleetSettings = {
  ...DEFAULT_FLEET_SETTINGS,
  mirror: { address: "10.0.0.5:5000", scheme: "http" },
};
const fleet = [
  { name: "cp-1", role: "controller+worker" as const, registryAddress: null },
  { name: "w-1", role: "worker" as const, registryAddress: "10.0.0.6:5000" },
  { name: "w-2", role: "worker" as const, registryAddress: null },
];

describe("the config page's preview and zip render the fleet as plans and applies do", () => {
  const cases: {
    name: string;
    inventory: typeof fleet;
    only?: string;
    files: string[];
    sample: boolean;
  }[] = [
    { name: "every node", inventory: fleet, files: ["cp-1", "w-1", "w-2"], sample: false },
    { name: "a chosen node", inventory: fleet, only: "w-1", files: ["w-1"], sample: false },
    { name: "the first node (?node=)", inventory: fleet, only: "", files: ["cp-1"], sample: false },
    {
      name: "an empty fleet: a sample node",
      inventory: [],
      files: [SAMPLE_NODE.name],
      sample: true,
    },
  ];
  for (const { name, inventory, only, files, sample } of cases) {
    test(name, () => {
      const preview = previewFleet(settings, inventory, { only });
      assert.deepEqual(
        preview.nodes.map((node) => node.name),
        files,
      );
      assert.equal(preview.sample, sample);
      assert.deepEqual(
        preview.fleet.map((node) => node.name),
        sample ? [SAMPLE_NODE.name] : inventory.map((node) => node.name),
      );
    });
  }

  test("a node's files are exactly those the runs render (renderFleet over the whole fleet)", () => {
    const runs = renderFleet(settings, fleet);
    for (const node of fleet) {
      const [shown] = previewFleet(settings, fleet, {
        only: node.name,
        images: ["quay.io/calico/node"],
      }).nodes;
      assert.deepEqual(
        shown,
        runs.nodes.find((rendered) => rendered.name === node.name),
      );
    }
  });

  test("the warnings are the whole fleet's, whichever node is shown", () => {
    const noController = fleet.filter((node) => node.role === "worker");
    const whole = renderFleet(settings, noController).warnings;
    assert.ok(whole.length > 0, "a fleet of workers only is warned about");
    assert.deepEqual(previewFleet(settings, noController, { only: "w-2" }).warnings, whole);
  });

  test("a node the fleet does not have is a 404 naming it", () => {
    assert.throws(
      () => previewFleet(settings, fleet, { only: "ghost" }),
      (error: unknown) =>
        error instanceof AppError && error.status === 404 && /"ghost"/.test(error.message),
    );
  });
});
