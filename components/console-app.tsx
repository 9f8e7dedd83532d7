"use client";

import { useEffect, useMemo, useState } from "react";
import type { CatalogResult } from "@/lib/catalog/types";
import { type FleetSettingsView, loadSettings, saveSettings } from "@/lib/client/api";
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
import { useRenderPreview } from "./use-render-preview";

export function ConsoleApp() {
  const [catalog, setCatalog] = useState<CatalogResult | null>(null);
  const [settings, setSettings] = useState(DEFAULT_SETTINGS);
  const request = useMemo(() => toRenderRequest(settings, catalog), [settings, catalog]);
  const preview = useRenderPreview(request);
  const stored = useStoredSettings(setSettings);
  // once loaded, every change that renders cleanly becomes the fleet's settings (runs render from them)
  useEffect(() => {
    if (stored.loaded && preview.result && !preview.error) {
      const { k0sVersion, registries, mirror } = request;
      saveSettings({ k0sVersion, registries, mirror }).catch(() => {});
    }
  }, [stored.loaded, preview, request]);
  const fieldError = (prefix: string) =>
    preview.error?.field?.startsWith(prefix) ? preview.error.message : null;

  const onCatalog = (result: CatalogResult) => {
    setCatalog(result);
    setSettings((current) => ({
      ...current,
      registries: withCatalogRegistries(current.registries, result),
    }));
  };

  // the form starts from the stored settings: editing before they arrive would be overwritten
  if (!stored.loaded) {
    return (
      <p className="text-sm text-slate-500 dark:text-slate-400">Loading the fleet settings…</p>
    );
  }
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
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

/** Loads the fleet settings once, into the form. */
function useStoredSettings(apply: (settings: ReturnType<typeof fromFleetSettings>) => void) {
  const [state, setState] = useState<{ loaded: boolean; catalog: FleetSettingsView["catalog"] }>({
    loaded: false,
    catalog: null,
  });
  useEffect(() => {
    loadSettings()
      .then((settings) => {
        apply(fromFleetSettings(settings));
        setState({ loaded: true, catalog: settings.catalog });
      })
      .catch(() => setState({ loaded: true, catalog: null }));
  }, [apply]);
  return state;
}
