"use client";

import { useMemo, useState } from "react";
import type { CatalogResult } from "@/lib/catalog/types";
import { CatalogPanel } from "./catalog-panel";
import { DEFAULT_SETTINGS, toRenderRequest, withCatalogRegistries } from "./console-state";
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
  const fieldError = (prefix: string) =>
    preview.error?.field?.startsWith(prefix) ? preview.error.message : null;

  const onCatalog = (result: CatalogResult) => {
    setCatalog(result);
    setSettings((current) => ({
      ...current,
      registries: withCatalogRegistries(current.registries, result),
    }));
  };

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
      <div className="space-y-6">
        <CatalogPanel catalog={catalog} onCatalog={onCatalog} />
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
