"use client";

import { useCallback, useSyncExternalStore } from "react";

/**
 * The largest of `steps` (ascending px) the viewport is at least as wide as, following resizes;
 * a component re-renders only when the viewport crosses a step. `serverValue` before hydration.
 */
export function useWidthStep(steps: readonly number[], serverValue: number): number {
  const subscribe = useCallback((changed: () => void) => {
    window.addEventListener("resize", changed);
    return () => window.removeEventListener("resize", changed);
  }, []);
  const snapshot = useCallback(
    () => steps.findLast((step) => window.innerWidth >= step) ?? 0,
    [steps],
  );
  return useSyncExternalStore(subscribe, snapshot, () => serverValue);
}
