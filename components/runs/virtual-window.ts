/**
 * The math behind windowed rows: fixed-height rows, some followed by extra px (an expanded row's
 * details), and which of them a scroll position shows. Pure.
 */

/** `height` px laid out right after row `index` (its details); a list is sorted by index. */
export interface RowExtra {
  index: number;
  height: number;
}

export interface RowWindow {
  /** rows [start, end) are rendered, `offset` px below the top of the first row */
  start: number;
  end: number;
  offset: number;
  /** every row and extra */
  totalHeight: number;
}

/** px from the top of row 0 to the top of row `index`. */
export function rowTop(index: number, rowHeight: number, extras: readonly RowExtra[]): number {
  let top = index * rowHeight;
  for (const extra of extras) {
    if (extra.index >= index) break;
    top += extra.height;
  }
  return top;
}

/** The row at `y` px below the top of row 0 (an extra belongs to the row before it), clamped. */
export function rowAt(
  y: number,
  count: number,
  rowHeight: number,
  extras: readonly RowExtra[],
): number {
  let above = 0; // extra px above the rows looked at
  let row: number | null = null;
  for (const extra of extras) {
    if (y < (extra.index + 1) * rowHeight + above + extra.height) {
      row = Math.min(extra.index, Math.floor((y - above) / rowHeight));
      break;
    }
    above += extra.height;
  }
  row ??= Math.floor((y - above) / rowHeight);
  return Math.max(0, Math.min(count - 1, row));
}

/** The rows to render for a view of `viewHeight` px from `scrollTop`, `overscan` more each side. */
export function rowWindow({
  count,
  rowHeight,
  extras,
  scrollTop,
  viewHeight,
  overscan,
}: {
  count: number;
  rowHeight: number;
  extras: readonly RowExtra[];
  scrollTop: number;
  viewHeight: number;
  overscan: number;
}): RowWindow {
  const totalHeight = rowTop(count, rowHeight, extras);
  if (count === 0) return { start: 0, end: 0, offset: 0, totalHeight };
  const top = Math.max(0, Math.min(scrollTop, totalHeight - viewHeight));
  const first = rowAt(top, count, rowHeight, extras);
  const last = rowAt(top + viewHeight, count, rowHeight, extras);
  const start = Math.max(0, first - overscan);
  return {
    start,
    end: Math.min(count, last + 1 + overscan),
    offset: rowTop(start, rowHeight, extras),
    totalHeight,
  };
}

/** What a windowed list lays out: a row, or the height of the rows (and extras) not rendered. */
export type Laid = { row: number } | { gap: number; from: number };

/**
 * The rows [start, end) and `keep` (a row outside the window that must stay in the page: it has
 * the keyboard focus), in order, with a gap for every run of rows between them and after them.
 */
export function layOut(
  { start, end }: Pick<RowWindow, "start" | "end">,
  keep: number | null,
  count: number,
  rowHeight: number,
  extras: readonly RowExtra[],
): Laid[] {
  const rows = Array.from({ length: end - start }, (_, i) => start + i);
  if (keep !== null && keep >= 0 && keep < count && (keep < start || keep >= end)) {
    if (keep < start) rows.unshift(keep);
    else rows.push(keep);
  }
  const laid: Laid[] = [];
  let next = 0;
  const gapTo = (row: number) => {
    if (row > next) {
      const gap = rowTop(row, rowHeight, extras) - rowTop(next, rowHeight, extras);
      laid.push({ gap, from: next });
    }
  };
  for (const row of rows) {
    gapTo(row);
    laid.push({ row });
    next = row + 1;
  }
  gapTo(count);
  return laid;
}
