import assert from "node:assert/strict";
import { test } from "node:test";
import { oneRow, predictedRefusals } from "@/components/runs/run-format";

const CASES: [string, string, string][] = [
  ["a plain line", "k0s status", "k0s status"],
  [
    "a command echoed over lines",
    "set -e\nk0s install\nk0s start",
    "set -e ↵ k0s install ↵ k0s start",
  ],
  ["CRLF", "first\r\nsecond", "first ↵ second"],
  ["an empty line", "", ""],
];

for (const [what, line, shown] of CASES) {
  test(`a log row shows ${what} on one row`, () => {
    assert.equal(oneRow(line), shown);
  });
}

type Prediction = Parameters<typeof predictedRefusals>[0][number];
const ready = { readiness: null, steps: { refusal: null } };
const failing = { readiness: { state: "failing" }, steps: { refusal: null } };
const noBinary = { readiness: null, steps: { refusal: "no k0s binary on the node" } };

const PREDICTIONS: [string, Prediction[], string][] = [
  ["every node ready", [{ node: "a", plan: ready }], ""],
  ["no plan result", [{ node: "a", plan: null }], ""],
  [
    "one failing node of two",
    [
      { node: "a", plan: ready },
      { node: "b", plan: failing },
    ],
    " The apply will refuse 1 of them: b (see each node below).",
  ],
  [
    "every node refused, by the checks or the apply itself",
    [
      { node: "a", plan: noBinary },
      { node: "b", plan: failing },
    ],
    " The apply will refuse all of them: a, b (see each node below).",
  ],
  [
    "many nodes",
    Array.from({ length: 12 }, (_, index) => ({ node: `n${index}`, plan: failing })),
    " The apply will refuse all of them: n0, n1, n2, n3, n4, n5, n6, n7, n8, n9 and 2 more (see each node below).",
  ],
];

for (const [what, nodes, said] of PREDICTIONS) {
  test(`a succeeded plan's summary says what its apply will refuse: ${what}`, () => {
    assert.equal(predictedRefusals(nodes), said);
  });
}
