import assert from "node:assert/strict";
import { test } from "node:test";
import { oneRow } from "@/components/runs/run-format";

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
