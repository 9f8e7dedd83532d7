"use client";

import { type CSSProperties, type ReactNode, useEffect, useRef, useState } from "react";

/** px the panel needs below its summary to open downwards; otherwise it opens upwards */
const ROOM_BELOW = 180;

/**
 * A `<details>` whose content opens as a panel over the page, anchored to its summary: fixed, so a
 * scroll box or a fixed-height row around it does not clip it or grow. A click elsewhere, Escape, a
 * scroll or a resize closes it (it would no longer sit by its summary).
 */
export function FloatingDetails({
  summary,
  summaryClassName,
  children,
}: {
  summary: ReactNode;
  summaryClassName: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const [place, setPlace] = useState<CSSProperties | null>(null);

  const onToggle = () => {
    const details = ref.current;
    if (!details?.open) return setPlace(null);
    const box = details.getBoundingClientRect();
    const { clientWidth, clientHeight } = document.documentElement;
    const right = Math.max(0, clientWidth - box.right);
    setPlace(
      clientHeight - box.bottom >= ROOM_BELOW
        ? { top: box.bottom + 4, right }
        : { bottom: clientHeight - box.top + 4, right },
    );
  };

  useEffect(() => {
    if (!place) return;
    const close = () => {
      if (ref.current) ref.current.open = false;
    };
    const outside = (event: Event) => {
      if (!ref.current?.contains(event.target as Node)) close();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") close();
    };
    window.addEventListener("scroll", close, true);
    window.addEventListener("resize", close);
    document.addEventListener("pointerdown", outside);
    document.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("scroll", close, true);
      window.removeEventListener("resize", close);
      document.removeEventListener("pointerdown", outside);
      document.removeEventListener("keydown", onKey);
    };
  }, [place]);

  return (
    <details ref={ref} className="group" onToggle={onToggle}>
      <summary className={summaryClassName}>{summary}</summary>
      {place && (
        <div
          style={place}
          className="fixed z-30 max-h-64 w-72 max-w-[90vw] overflow-y-auto whitespace-normal rounded-md border border-slate-200 bg-white p-2 text-left shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {children}
        </div>
      )}
    </details>
  );
}
