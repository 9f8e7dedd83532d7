"use client";

import { useEffect, useRef, useState } from "react";
import {
  ApiError,
  type FieldIssue,
  type FleetPreview,
  loadFleetPreview,
  type SettingsDraft,
  saveSettings,
} from "@/lib/client/api";

export interface FleetPreviewState {
  result: FleetPreview | null;
  /**
   * `saving`: the settings were refused (nothing saved; `issues` lists every bad field);
   * else the fleet could not be rendered with them
   */
  error: { message: string; field: string | null; issues: FieldIssue[]; saving: boolean } | null;
  pending: boolean;
}

const DEBOUNCE_MS = 250;

/**
 * Shortly after the form stops changing, saves it as the fleet's settings (plans and applies
 * render from them) and renders the fleet's files with them: the node `node` (the first while
 * null). The last good result stays visible while an error is shown.
 */
export function useFleetPreview(
  draft: SettingsDraft,
  node: string | null,
  /** bumped when something else the render reads changed (the catalog) */
  version: number,
  /** the settings as loaded: not saved again until they change */
  loaded: SettingsDraft,
): FleetPreviewState {
  const [state, setState] = useState<FleetPreviewState>({
    result: null,
    error: null,
    pending: true,
  });
  const saved = useRef(JSON.stringify(loaded));
  useEffect(() => {
    void version;
    const abort = new AbortController();
    setState((current) => ({ ...current, pending: true }));
    const timer = setTimeout(async () => {
      const body = JSON.stringify(draft);
      let saving = body !== saved.current;
      try {
        if (saving) {
          await saveSettings(draft, abort.signal);
          saved.current = body;
          saving = false;
        }
        const result = await loadFleetPreview(node, abort.signal);
        setState({ result, error: null, pending: false });
      } catch (error) {
        if (abort.signal.aborted) return;
        const known = error instanceof ApiError ? error : null;
        setState((current) => ({
          ...current,
          error: {
            message: String((error as Error).message),
            field: known?.field ?? null,
            issues: known?.issues ?? [],
            saving,
          },
          pending: false,
        }));
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [draft, node, version]);
  return state;
}
