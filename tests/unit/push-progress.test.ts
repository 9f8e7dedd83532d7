import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pushFigures } from "@/lib/registry/push-progress";
import type { RunModel } from "@/lib/runs/run-model";

const bytes = { unit: "bytes" as const };
const artifact = (item: string, fields: object) => ({
  node: "registry",
  item,
  done: 0,
  total: null,
  ...bytes,
  artifact: `${item}.tar`,
  ...fields,
});

describe("pushFigures", () => {
  const cases: {
    name: string;
    progress: RunModel["progress"];
    elapsed: number;
    expect: Partial<ReturnType<typeof pushFigures>>;
  }[] = [
    {
      name: "nothing yet",
      progress: undefined,
      elapsed: 5,
      expect: {
        artifacts: [],
        counts: {},
        readBytes: 0,
        totalBytes: null,
        bytesPerSecond: null,
        secondsLeft: null,
      },
    },
    {
      name: "half the bundle read in 10 s: 10 s left",
      progress: {
        "": { bundle: { node: null, item: "bundle", done: 500, total: 1000, ...bytes } },
      },
      elapsed: 10,
      expect: { readBytes: 500, totalBytes: 1000, bytesPerSecond: 50, secondsLeft: 10 },
    },
    {
      name: "a total not known: no time left",
      progress: {
        "": { bundle: { node: null, item: "bundle", done: 500, total: null, ...bytes } },
      },
      elapsed: 10,
      expect: { bytesPerSecond: 50, secondsLeft: null },
    },
    {
      name: "no time elapsed: no rate",
      progress: {
        "": { bundle: { node: null, item: "bundle", done: 500, total: 1000, ...bytes } },
      },
      elapsed: 0,
      expect: { bytesPerSecond: null, secondsLeft: null },
    },
  ];
  for (const { name, progress, elapsed, expect } of cases) {
    test(name, () => {
      const figures = pushFigures(progress, elapsed);
      for (const [key, value] of Object.entries(expect))
        assert.deepEqual(figures[key as keyof typeof figures], value, key);
    });
  }

  test("artifacts in their order, counted by state; items without a state are left out", () => {
    const figures = pushFigures(
      {
        registry: {
          "p/a:1": artifact("p/a:1", { state: "done", done: 10, digest: "sha256:a" }),
          "p/b:1": artifact("p/b:1", { state: "uploading", done: 5, total: 20 }),
          "p/c:1": artifact("p/c:1", { state: "failed", error: "DENIED: no" }),
          "p/d:1": artifact("p/d:1", { state: "done", done: 0, digest: "sha256:d" }),
          other: { node: "registry", item: "other", done: 1, total: 2, ...bytes },
        },
      },
      1,
    );
    assert.deepEqual(
      figures.artifacts.map((row) => [row.reference, row.state, row.done, row.digest, row.error]),
      [
        ["p/a:1", "done", 10, "sha256:a", null],
        ["p/b:1", "uploading", 5, null, null],
        ["p/c:1", "failed", 0, null, "DENIED: no"],
        ["p/d:1", "done", 0, "sha256:d", null],
      ],
    );
    assert.deepEqual(figures.counts, { done: 2, uploading: 1, failed: 1 });
  });
});
