"use client";

import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from "react";

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

/**
 * Fixed-height rows in a scroll container, rendering only the visible ones plus `overscan` on
 * each side, and following the tail until the user scrolls up (back at the bottom = following).
 */
export function useVirtualRows({
  count,
  rowHeight,
  overscan = 40,
  follow = true,
}: {
  count: number;
  rowHeight: number;
  overscan?: number;
  /** false: start at the first row and never follow the tail (search results) */
  follow?: boolean;
}): VirtualRows {
  const ref = useRef<HTMLDivElement>(null);
  const [first, setFirst] = useState(0);
  const [viewRows, setViewRows] = useState(40);
  const [following, setFollowing] = useState(follow);
  const [jumps, setJumps] = useState(0);
  /** the scrollTop we last pinned to: the user went up from there if it is now lower */
  const pinned = useRef(-1);

  const pin = useCallback((el: HTMLDivElement) => {
    const bottom = el.scrollHeight - el.clientHeight;
    if (el.scrollTop < bottom) el.scrollTop = bottom;
    pinned.current = el.scrollTop;
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      setViewRows(Math.max(1, Math.ceil(el.clientHeight / rowHeight) + 1));
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
    setFirst(Math.floor(el.scrollTop / rowHeight));
  }, [rowHeight, follow]);

  // after new rows are committed and before the browser paints: keep the last one in view, unless
  // the user scrolled up since the last pin (their scroll event may not have been handled yet)
  // biome-ignore lint/correctness/useExhaustiveDependencies: count and jumps are the triggers
  useLayoutEffect(() => {
    const el = ref.current;
    if (!following || !el) return;
    if (pinned.current >= 0 && el.scrollTop < pinned.current - 1) {
      setFollowing(false);
      setFirst(Math.floor(el.scrollTop / rowHeight));
      return;
    }
    pin(el);
  }, [following, count, jumps, pin, rowHeight]);

  const jumpToEnd = useCallback(() => {
    pinned.current = -1;
    setFollowing(true);
    setJumps((n) => n + 1);
  }, []);

  const maxTop = Math.max(0, count - viewRows + 1);
  const top = following ? maxTop : Math.min(first, maxTop);
  const start = Math.max(0, top - overscan);
  const end = Math.min(count, top + viewRows + overscan);
  return {
    ref,
    start,
    end,
    offset: start * rowHeight,
    totalHeight: count * rowHeight,
    following,
    onScroll,
    jumpToEnd,
  };
}
