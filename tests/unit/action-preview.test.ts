import assert from "node:assert/strict";
import { test } from "node:test";
import {
  nodesToRollBack,
  resetConfirmed,
  rollbackSteps,
  summarisePlan,
} from "@/lib/runs/action-preview";

test("a plan's summary counts the files that change and the nodes they change on", () => {
  const cases: {
    nodes: Parameters<typeof summarisePlan>[0];
    want: Partial<ReturnType<typeof summarisePlan>>;
  }[] = [
    { nodes: [], want: { nodes: 0, nodesChanging: 0, create: 0, update: 0, unknown: [] } },
    {
      nodes: [
        {
          node: "a",
          files: [
            { path: "/x", change: "create" },
            { path: "/y", change: "unchanged" },
          ],
        },
        {
          node: "b",
          files: [
            { path: "/x", change: "update" },
            { path: "/y", change: "update" },
          ],
        },
        { node: "c", files: [{ path: "/x", change: "unchanged" }] },
      ],
      want: { nodes: 3, nodesChanging: 2, create: 1, update: 2, unchanged: 2, unknown: [] },
    },
    {
      nodes: [{ node: "down", files: null }],
      want: { nodes: 1, nodesChanging: 0, create: 0, update: 0, unknown: ["down"] },
    },
  ];
  for (const { nodes, want } of cases) {
    const got = summarisePlan(nodes);
    for (const [key, value] of Object.entries(want))
      assert.deepEqual(got[key as keyof typeof got], value, `${key} of ${JSON.stringify(nodes)}`);
  }
});

test("a rollback restores what the apply updated and removes what it created, per node", () => {
  const steps = rollbackSteps([
    {
      node: "a",
      result: {
        files: [
          { path: "/etc/k0s/a.toml", status: "created" },
          { path: "/etc/k0s/b.toml", status: "updated" },
          { path: "/etc/k0s/c.toml", status: "unchanged" },
        ],
      },
    },
    { node: "b", result: { files: [{ path: "/etc/k0s/a.toml", status: "unchanged" }] } },
    { node: "c", result: null },
    { node: "d", result: { something: "else" } },
  ]);
  assert.deepEqual(steps, [
    {
      node: "a",
      restore: ["/etc/k0s/b.toml"],
      remove: ["/etc/k0s/a.toml"],
      nothingRecorded: false,
    },
    { node: "b", restore: [], remove: [], nothingRecorded: false },
    { node: "c", restore: [], remove: [], nothingRecorded: true },
    { node: "d", restore: [], remove: [], nothingRecorded: true },
  ]);
  assert.deepEqual(nodesToRollBack(steps), ["a"], "only nodes the apply changed");
});

test("a reset is confirmed only by typing its node count", () => {
  const cases: [string, number, boolean][] = [
    ["3", 3, true],
    [" 3 ", 3, true],
    ["", 3, false],
    ["03", 3, false],
    ["three", 3, false],
    ["2", 3, false],
    ["0", 0, false],
  ];
  for (const [typed, count, want] of cases)
    assert.equal(resetConfirmed(typed, count), want, `${JSON.stringify(typed)} for ${count}`);
});
