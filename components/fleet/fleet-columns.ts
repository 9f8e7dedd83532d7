/**
 * The fleet table's columns: width, and from which viewport width each is shown (most important
 * first). Below `lg` (1024 px) a row is a three-line card showing only the card's cells.
 */
import type { SortKey } from "./fleet-model";

export type ColumnKey = "select" | SortKey | "readiness" | "actions";

interface Column {
  /** the header's text; null: no sort button (select, readiness, actions have their own) */
  label: string | null;
  /** header cell width class (none: the column takes what is left) */
  width: string;
  /** the narrowest viewport (px) showing the column; 0: shown in a phone's card too */
  from: number;
  /** where the cell sits in a card (below `lg`) */
  card?: string;
}

/** viewport px from which rows are table rows (`lg`), not cards */
export const TABLE_FROM = 1024;

export const COLUMNS: Record<ColumnKey, Column> = {
  select: {
    label: null,
    width: "lg:w-9",
    from: 0,
    card: "max-lg:row-span-3 max-lg:self-start max-lg:pt-1",
  },
  name: { label: "Name", width: "", from: 0, card: "max-lg:col-start-2 max-lg:row-start-1" },
  address: {
    label: "Target",
    width: "lg:w-48",
    from: 0,
    card: "max-lg:col-span-2 max-lg:col-start-2 max-lg:row-start-2",
  },
  role: { label: "Role", width: "lg:w-28", from: TABLE_FROM },
  registry: { label: "Registry", width: "lg:w-32", from: 1536 },
  hostKey: { label: "Host key", width: "lg:w-32", from: 1280 },
  os: { label: "OS / arch", width: "lg:w-28", from: 1440 },
  checks: { label: "Checks", width: "lg:w-36", from: 1280 },
  lastChecked: { label: "Last checked", width: "lg:w-24", from: 1440 },
  readiness: {
    label: null,
    width: "lg:w-48",
    from: 0,
    card: "max-lg:col-start-3 max-lg:row-start-1",
  },
  actions: {
    label: null,
    width: "lg:w-40",
    from: 0,
    card: "max-lg:col-span-2 max-lg:col-start-2 max-lg:row-start-3 max-lg:-ml-1.5 max-lg:text-left",
  },
};

const ORDER = Object.keys(COLUMNS) as ColumnKey[];

/** the viewport widths at which the shown columns change */
export const COLUMN_STEPS = [...new Set(ORDER.map((key) => COLUMNS[key].from))].sort(
  (a, b) => a - b,
);

/** The columns a viewport of at least `width` px shows, in order. Pure. */
export function columnsFrom(width: number): ColumnKey[] {
  return ORDER.filter((key) => COLUMNS[key].from <= width);
}

/** Every cell: one compact line in a table row (its height is fixed: windowing counts on it). */
export const CELL =
  "whitespace-nowrap lg:h-9 lg:border-t lg:border-slate-200 lg:px-2 lg:align-middle lg:dark:border-slate-800";

/** A cell whose text is cut (with an ellipsis) at the column's width. */
export const CLIPPED_CELL = `${CELL} overflow-hidden text-ellipsis`;

/** Row heights in px, as the classes above and the cards below make them. */
export const ROW_HEIGHT = { table: 36, card: 76 } as const;

/** The grid of a card's columns (a row below `lg`), shared with the header above the cards. */
export const CARD_GRID =
  "max-lg:grid max-lg:grid-cols-[1.75rem_minmax(0,1fr)_auto] max-lg:items-center max-lg:gap-x-2 max-lg:px-1";

/** A row below `lg`: a card of three lines (name and readiness; target and role; actions). */
export const CARD = `${CARD_GRID} max-lg:h-[76px] max-lg:grid-rows-3 max-lg:border-t max-lg:border-slate-200 max-lg:dark:border-slate-800`;
