"use client";

import { useEffect, useState } from "react";
import { ApiError, type FieldIssue, renderFiles } from "@/lib/client/api";
import type { RenderRequest } from "@/lib/render/schema";
import type { RenderResult } from "@/lib/render/types";

export interface RenderPreview {
  result: RenderResult | null;
  /** `issues`: every bad field with its own message, when the API listed them */
  error: { message: string; field: string | null; issues: FieldIssue[] } | null;
  pending: boolean;
  /** the request `result` or `error` is for */
  rendered: RenderRequest | null;
}

const DEBOUNCE_MS = 250;

/** Re-renders on the server shortly after the inputs stop changing; the last good result stays visible. */
export function useRenderPreview(request: RenderRequest): RenderPreview {
  const [state, setState] = useState<RenderPreview>({
    result: null,
    error: null,
    pending: true,
    rendered: null,
  });
  useEffect(() => {
    const abort = new AbortController();
    setState((current) => ({ ...current, pending: true }));
    const timer = setTimeout(() => {
      renderFiles(request, abort.signal)
        .then((result) => setState({ result, error: null, pending: false, rendered: request }))
        .catch((error: unknown) => {
          if (abort.signal.aborted) return;
          const field = error instanceof ApiError ? error.field : null;
          const issues = error instanceof ApiError ? error.issues : [];
          setState((current) => ({
            ...current,
            error: { message: String((error as Error).message), field, issues },
            pending: false,
            rendered: request,
          }));
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [request]);
  return state;
}
