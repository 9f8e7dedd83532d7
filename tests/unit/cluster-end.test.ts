import assert from "node:assert/strict";
import { test } from "node:test";
import { apiServerUrl, clustersUp, markResets, withServer } from "@/lib/runs/cluster-end";
import type { RunAction } from "@/lib/runs/types";

const fleet = [
  { name: "w-1", role: "worker", address: "10.0.0.21" },
  { name: "cp-1", role: "controller", address: "10.0.0.11" },
  { name: "cp-2", role: "controller+worker", address: "10.0.0.12" },
  { name: "solo", role: "single", address: "fd00::5" },
] as const;

const run = (action: RunAction, states: Record<string, string>) => ({
  action,
  nodes: Object.entries(states).map(([node, state]) => ({
    node,
    state: state as "succeeded" | "failed",
  })),
});

test("an apply brought the cluster up when it succeeded on the initial controller", () => {
  const cases: [ReturnType<typeof run>, string[]][] = [
    [run("apply", { "cp-1": "succeeded", "w-1": "failed" }), ["cp-1"]],
    [run("apply", { "cp-1": "failed", "cp-2": "succeeded" }), []],
    [run("apply", { "cp-2": "succeeded", "w-1": "succeeded" }), []],
    [run("apply", { "cp-1": "succeeded", solo: "succeeded" }), ["cp-1", "solo"]],
    [run("plan", { "cp-1": "succeeded" }), []],
    [run("reset", { "cp-1": "succeeded" }), []],
  ];
  for (const [given, want] of cases)
    assert.deepEqual(
      clustersUp(given, fleet).map((cluster) => cluster.controller),
      want,
      JSON.stringify(given),
    );
  assert.deepEqual(clustersUp(run("apply", { "cp-1": "succeeded", solo: "succeeded" }), fleet), [
    { controller: "cp-1", server: "https://10.0.0.11:6443", kind: "cluster" },
    { controller: "solo", server: "https://[fd00::5]:6443", kind: "single" },
  ]);
});

test("the kubeconfig's server becomes the controller's address, whatever k0s printed", () => {
  assert.equal(apiServerUrl("cp-1.example"), "https://cp-1.example:6443");
  const printed = [
    "apiVersion: v1",
    "clusters:",
    "- cluster:",
    "    certificate-authority-data: QUJD",
    "    server: https://localhost:6443",
    "  name: local",
    "- cluster:",
    "    server:   https://127.0.0.1:6443",
    "  name: other",
    "users:",
    "- name: user",
    "  user:",
    "    client-key-data: a2V5",
    "",
  ].join("\n");
  const rewritten = withServer(printed, "https://10.0.0.11:6443");
  assert.deepEqual(
    rewritten.split("\n").filter((line) => line.includes("server:")),
    ["    server: https://10.0.0.11:6443", "    server:   https://10.0.0.11:6443"],
  );
  assert.equal(
    rewritten.replace(/https:\/\/10\.0\.0\.11:6443/g, "X"),
    printed.replace(/https:\/\/(localhost|127\.0\.0\.1):6443/g, "X"),
    "nothing else changes",
  );
});

test("a cluster is marked reset when the newest k0s change on its controller since is a reset", () => {
  const up = clustersUp(run("apply", { "cp-1": "succeeded", solo: "succeeded" }), fleet);
  const latest: Record<string, { id: string; action: RunAction } | null> = {
    "cp-1": { id: "r-reset", action: "reset" },
    // installed again after a reset: up
    solo: { id: "r-apply", action: "apply" },
  };
  assert.deepEqual(
    markResets(up, (controller) => latest[controller] ?? null).map((c) => [
      c.controller,
      c.resetBy,
    ]),
    [
      ["cp-1", "r-reset"],
      ["solo", undefined],
    ],
  );
  assert.deepEqual(
    markResets(up, () => null),
    up,
    "nothing changed k0s since",
  );
});
