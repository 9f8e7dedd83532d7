import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Laid,
  layOut,
  type RowExtra,
  rowAt,
  rowTop,
  rowWindow,
} from "@/components/runs/virtual-window";

/** rows of 10 px; row 2 has 25 px of details under it, row 5 has 100 */
const EXTRAS: RowExtra[] = [
  { index: 2, height: 25 },
  { index: 5, height: 100 },
];

const TOPS: [string, number, RowExtra[], number][] = [
  ["the first row", 0, [], 0],
  ["a row without extras", 7, [], 70],
  ["the row carrying the first extra", 2, EXTRAS, 20],
  ["the row after the first extra", 3, EXTRAS, 55],
  ["a row after both extras", 6, EXTRAS, 185],
  ["the end of 8 rows", 8, EXTRAS, 205],
];
for (const [what, index, extras, top] of TOPS) {
  test(`rowTop: ${what} is ${top} px down`, () => {
    assert.equal(rowTop(index, 10, extras), top);
  });
}

const AT: [string, number, number][] = [
  ["the top", 0, 0],
  ["inside row 1", 15, 1],
  ["inside row 2", 29, 2],
  ["inside row 2's details", 40, 2],
  ["the last px of row 2's details", 54, 2],
  ["the first px of row 3", 55, 3],
  ["inside row 5's details", 120, 5],
  ["row 6, after both extras", 190, 6],
  ["past the end: the last row", 10_000, 7],
  ["above the top: the first row", -40, 0],
];
for (const [what, y, row] of AT) {
  test(`rowAt: ${what} (${y} px) is row ${row}`, () => {
    assert.equal(rowAt(y, 8, 10, EXTRAS), row);
  });
}

/** 1,000 rows of 36 px in a 612 px view, 10 more rendered each side */
const FLEET = { count: 1000, rowHeight: 36, extras: [], viewHeight: 612, overscan: 10 };
const WINDOWS: [string, Parameters<typeof rowWindow>[0], ReturnType<typeof rowWindow>][] = [
  [
    "no rows",
    { ...FLEET, count: 0, scrollTop: 0 },
    { start: 0, end: 0, offset: 0, totalHeight: 0 },
  ],
  [
    "fewer rows than the view",
    { ...FLEET, count: 5, scrollTop: 0 },
    { start: 0, end: 5, offset: 0, totalHeight: 180 },
  ],
  ["at the top", { ...FLEET, scrollTop: 0 }, { start: 0, end: 28, offset: 0, totalHeight: 36_000 }],
  [
    "scrolled to row 500",
    { ...FLEET, scrollTop: 18_000 },
    { start: 490, end: 528, offset: 17_640, totalHeight: 36_000 },
  ],
  [
    "scrolled past the end (following the tail)",
    { ...FLEET, scrollTop: Number.POSITIVE_INFINITY },
    { start: 973, end: 1000, offset: 35_028, totalHeight: 36_000 },
  ],
  [
    "an expanded row above the view moves the window up by its details",
    { ...FLEET, extras: [{ index: 3, height: 360 }], scrollTop: 18_000 },
    { start: 480, end: 518, offset: 17_640, totalHeight: 36_360 },
  ],
];
for (const [what, input, expected] of WINDOWS) {
  test(`rowWindow: ${what}`, () => {
    assert.deepEqual(rowWindow(input), expected);
  });
}

const LAYOUTS: [string, [number, number], number | null, number, Laid[]][] = [
  ["no rows", [0, 0], null, 0, []],
  ["every row", [0, 3], null, 3, [{ row: 0 }, { row: 1 }, { row: 2 }]],
  [
    "a window in the middle: a gap each side (the first holds row 2's details; row 5's come with it)",
    [4, 6],
    null,
    8,
    [{ gap: 65, from: 0 }, { row: 4 }, { row: 5 }, { gap: 20, from: 6 }],
  ],
  [
    "the focused row above the window stays, between two gaps",
    [6, 8],
    1,
    8,
    [{ gap: 10, from: 0 }, { row: 1 }, { gap: 165, from: 2 }, { row: 6 }, { row: 7 }],
  ],
  [
    "the focused row below the window stays",
    [0, 2],
    7,
    8,
    [{ row: 0 }, { row: 1 }, { gap: 175, from: 2 }, { row: 7 }],
  ],
  ["a focused row inside the window is laid out once", [0, 2], 1, 2, [{ row: 0 }, { row: 1 }]],
  ["a focused row no longer shown is left out", [0, 1], 5, 1, [{ row: 0 }]],
];
for (const [what, [start, end], keep, count, laid] of LAYOUTS) {
  test(`layOut: ${what}`, () => {
    assert.deepEqual(layOut({ start, end }, keep, count, 10, EXTRAS), laid);
  });
}
