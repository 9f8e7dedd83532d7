"use client";

import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from "react";
import { type RowExtra, rowWindow } from "./virtual-window";

export interface VirtualRows {
  /** the scroll container */
  ref: RefObject<HTMLDivElement | null>;
  /** rows [start, end) are rendered, `offset` px below the top of a `totalHeight` px spacer */
  start: number;
  end: number;
  offset: number;
  totalHeight: number;
  /** pinned to the last row: new rows scroll into view */
  following: boolean;
  onScroll: () => void;
  /** back to the last row, following again */
  jumpToEnd: () => void;
}

const NO_EXTRAS: RowExtra[] = [];

/**
 * Fixed-height rows in a scroll container (some followed by `extras`: expanded details), rendering
 * only the visible ones plus `overscan` on each side, and following the tail until the user scrolls
 * up (back at the bottom = following).
 */
export function useVirtualRows({
  count,
  rowHeight,
  overscan = 40,
  follow = true,
  extras = NO_EXTRAS,
}: {
  count: number;
  rowHeight: number;
  overscan?: number;
  /** false: start at the first row and never follow the tail (search results, the fleet) */
  follow?: boolean;
  extras?: readonly RowExtra[];
}): VirtualRows {
  const ref = useRef<HTMLDivElement>(null);
  /** scrollTop in whole rows' px: a scroll within a row renders nothing new */
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(40 * rowHeight);
  const [following, setFollowing] = useState(follow);
  const [jumps, setJumps] = useState(0);
  /** the scrollTop we last pinned to: the user went up from there if it is now lower */
  const pinned = useRef(-1);

  const pin = useCallback((el: HTMLDivElement) => {
    const bottom = el.scrollHeight - el.clientHeight;
    if (el.scrollTop < bottom) el.scrollTop = bottom;
    pinned.current = el.scrollTop;
  }, []);

  const readScroll = useCallback(
    (el: HTMLDivElement) => setScrollTop(Math.floor(el.scrollTop / rowHeight) * rowHeight),
    [rowHeight],
  );

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      setViewHeight(el.clientHeight + rowHeight);
      pinned.current = -1; // a resize moves scrollTop by itself
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [rowHeight]);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= Math.max(2, rowHeight / 2);
    setFollowing(follow && atEnd);
    readScroll(el);
  }, [rowHeight, follow, readScroll]);

  // after new rows are committed and before the browser paints: keep the last one in view, unless
  // the user scrolled up since the last pin (their scroll event may not have been handled yet)
  // biome-ignore lint/correctness/useExhaustiveDependencies: count and jumps are the triggers
  useLayoutEffect(() => {
    const el = ref.current;
    if (!following || !el) return;
    if (pinned.current >= 0 && el.scrollTop < pinned.current - 1) {
      setFollowing(false);
      readScroll(el);
      return;
    }
    pin(el);
  }, [following, count, jumps, pin, readScroll]);

  const jumpToEnd = useCallback(() => {
    pinned.current = -1;
    setFollowing(true);
    setJumps((n) => n + 1);
  }, []);

  const rows = rowWindow({
    count,
    rowHeight,
    extras,
    scrollTop: following ? Number.POSITIVE_INFINITY : scrollTop,
    viewHeight,
    overscan,
  });
  return { ref, ...rows, following, onScroll, jumpToEnd };
}
