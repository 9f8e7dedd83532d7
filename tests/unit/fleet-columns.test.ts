import assert from "node:assert/strict";
import { test } from "node:test";
import { COLUMN_STEPS, columnsFrom } from "@/components/fleet/fleet-columns";

/** every column in order, without those a viewport too narrow leaves out */
const ALL = "select name address role registry hostKey os checks lastChecked readiness actions";
const without = (...left: string[]) => ALL.split(" ").filter((key) => !left.includes(key));

const CASES: [string, number, string[]][] = [
  [
    "a phone: the card's cells",
    390,
    without("role", "registry", "hostKey", "os", "checks", "lastChecked"),
  ],
  [
    "a tablet, still cards",
    1023,
    without("role", "registry", "hostKey", "os", "checks", "lastChecked"),
  ],
  [
    "1024 px, a table: the role too",
    1024,
    without("registry", "hostKey", "os", "checks", "lastChecked"),
  ],
  ["1280 px: host key and checks", 1280, without("registry", "os", "lastChecked")],
  ["1440 px: OS and last check", 1440, without("registry")],
  ["1536 px: every column, the registry too", 1536, without()],
];

for (const [what, width, columns] of CASES) {
  test(`fleet table columns at ${what}`, () => {
    assert.deepEqual(columnsFrom(width), columns);
  });
}

test("the widths at which the columns change, ascending", () => {
  assert.deepEqual(COLUMN_STEPS, [0, 1024, 1280, 1440, 1536]);
});
