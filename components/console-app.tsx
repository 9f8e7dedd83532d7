"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { CatalogResult } from "@/lib/catalog/types";
import { type FleetSettingsView, loadSettings, saveSettings } from "@/lib/client/api";
import { errorText } from "@/lib/client/fleet-api";
import { CatalogPanel } from "./catalog-panel";
import {
  DEFAULT_SETTINGS,
  fromFleetSettings,
  toRenderRequest,
  withCatalogRegistries,
} from "./console-state";
import { MirrorPanel } from "./mirror-panel";
import { NodesPanel } from "./nodes-panel";
import { PreviewPanel } from "./preview-panel";
import { RegistriesPanel } from "./registries-panel";
import { buttonClass } from "./ui";
import { useRenderPreview } from "./use-render-preview";

export function ConsoleApp() {
  const [catalog, setCatalog] = useState<CatalogResult | null>(null);
  const [settings, setSettings] = useState(DEFAULT_SETTINGS);
  const request = useMemo(() => toRenderRequest(settings, catalog), [settings, catalog]);
  const preview = useRenderPreview(request);
  const stored = useStoredSettings(setSettings);
  const saveError = useSaveWhenClean(stored.loaded, preview, request);
  // each field shows its own message when the API listed every bad field, else the one it named
  const fieldError = (prefix: string) => {
    const issues = preview.error?.issues ?? [];
    if (issues.length > 0) {
      const issue = issues.find((candidate) => candidate.field.startsWith(prefix));
      if (!issue) return null;
      // e.g. "Registry 2: …" under the registry list, where the field alone does not say which
      return issue.field !== prefix && issue.label
        ? `${issue.label}: ${issue.message}`
        : issue.message;
    }
    return preview.error?.field?.startsWith(prefix) ? preview.error.message : null;
  };

  const onCatalog = (result: CatalogResult) => {
    setCatalog(result);
    setSettings((current) => ({
      ...current,
      registries: withCatalogRegistries(current.registries, result),
    }));
  };

  // the form starts from the stored settings: editing (and saving) before they arrive would
  // overwrite them with the defaults
  if (stored.error) {
    return (
      <div role="alert" className="space-y-2 text-sm text-red-700 dark:text-red-400">
        <p>
          Could not load the saved fleet settings: {stored.error}. Nothing is saved until they load.
        </p>
        <button type="button" className={buttonClass} onClick={stored.retry}>
          Try again
        </button>
      </div>
    );
  }
  if (!stored.loaded) {
    return (
      <p className="text-sm text-slate-500 dark:text-slate-400">Loading the fleet settings…</p>
    );
  }
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
      {saveError && (
        <p role="alert" className="text-sm text-red-700 lg:col-span-2 dark:text-red-400">
          Not saved: {saveError}. Plans and applies still use the last saved settings.
        </p>
      )}
      <div className="space-y-6">
        <CatalogPanel catalog={catalog} storedCatalog={stored.catalog} onCatalog={onCatalog} />
        <RegistriesPanel
          registries={settings.registries}
          error={fieldError("registries")}
          onChange={(registries) => setSettings((current) => ({ ...current, registries }))}
        />
        <MirrorPanel
          k0sVersion={settings.k0sVersion}
          mirror={settings.mirror}
          fieldError={fieldError}
          onVersion={(k0sVersion) => setSettings((current) => ({ ...current, k0sVersion }))}
          onMirror={(mirror) => setSettings((current) => ({ ...current, mirror }))}
        />
        <NodesPanel
          nodes={settings.nodes}
          fieldError={fieldError}
          onChange={(nodes) => setSettings((current) => ({ ...current, nodes }))}
        />
      </div>
      <PreviewPanel preview={preview} request={request} />
    </div>
  );
}

/** Loads the fleet settings once, into the form; a failure is kept, with a way to try again. */
function useStoredSettings(apply: (settings: ReturnType<typeof fromFleetSettings>) => void) {
  const [state, setState] = useState<{
    loaded: boolean;
    catalog: FleetSettingsView["catalog"];
    error: string | null;
  }>({ loaded: false, catalog: null, error: null });
  const load = useCallback(() => {
    setState({ loaded: false, catalog: null, error: null });
    loadSettings()
      .then((settings) => {
        apply(fromFleetSettings(settings));
        setState({ loaded: true, catalog: settings.catalog, error: null });
      })
      .catch((error: unknown) =>
        setState({ loaded: false, catalog: null, error: errorText(error) }),
      );
  }, [apply]);
  useEffect(load, [load]);
  return { ...state, retry: load };
}

/**
 * Once loaded, each change that has rendered cleanly becomes the fleet's settings (runs render
 * from them), saved once; returns why the last save failed, if it did.
 */
function useSaveWhenClean(
  loaded: boolean,
  preview: ReturnType<typeof useRenderPreview>,
  request: ReturnType<typeof toRenderRequest>,
): string | null {
  const [error, setError] = useState<string | null>(null);
  const saved = useRef<string | null>(null);
  useEffect(() => {
    // only what the server has just rendered cleanly, never a request still on its way
    if (!loaded || preview.rendered !== request || !preview.result || preview.error) return;
    const { k0sVersion, registries, mirror } = request;
    const body = JSON.stringify({ k0sVersion, registries, mirror });
    if (body === saved.current) return;
    saved.current = body;
    saveSettings({ k0sVersion, registries, mirror }).then(
      () => setError(null),
      (failure: unknown) => {
        saved.current = null;
        setError(errorText(failure));
      },
    );
  }, [loaded, preview, request]);
  return error;
}
