"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { type FleetSettingsView, loadSettings } from "@/lib/client/api";
import { errorText } from "@/lib/client/fleet-api";
import { CatalogPanel } from "./catalog-panel";
import {
  type ConsoleSettings,
  fromFleetSettings,
  toSettingsDraft,
  withCatalogRegistries,
} from "./console-state";
import { MirrorPanel } from "./mirror-panel";
import { PreviewPanel } from "./preview-panel";
import { RegistriesPanel } from "./registries-panel";
import { buttonClass } from "./ui";
import { type FleetPreviewState, useFleetPreview } from "./use-fleet-preview";

export function ConsoleApp() {
  const stored = useStoredSettings();
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
  if (!stored.settings) {
    return (
      <p className="text-sm text-slate-500 dark:text-slate-400">Loading the fleet settings…</p>
    );
  }
  return <ConsoleEditor stored={stored.settings} />;
}

/** The settings form and the fleet's files rendered with them (each clean change is saved). */
function ConsoleEditor({ stored }: { stored: FleetSettingsView }) {
  const initial = useMemo(() => fromFleetSettings(stored), [stored]);
  const [settings, setSettings] = useState<ConsoleSettings>(initial);
  const [catalogVersion, setCatalogVersion] = useState(0);
  const [node, setNode] = useState<string | null>(null);
  const draft = useMemo(() => toSettingsDraft(settings), [settings]);
  const loaded = useMemo(() => toSettingsDraft(initial), [initial]);
  const preview = useFleetPreview(draft, node, catalogVersion, loaded);
  const fieldError = fieldErrorsOf(preview);

  const onCatalog = (registries: { host: string; images: number }[]) => {
    setCatalogVersion((version) => version + 1);
    setSettings((current) => ({
      ...current,
      registries: withCatalogRegistries(current.registries, registries),
    }));
  };

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
      <div className="space-y-6">
        <CatalogPanel onCatalog={onCatalog} />
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
      </div>
      <PreviewPanel preview={preview} node={node} onNode={setNode} />
    </div>
  );
}

/** Each field's message when the save listed every bad field, else the one field it named. */
function fieldErrorsOf(preview: FleetPreviewState) {
  return (prefix: string): string | null => {
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
}

/** Loads the fleet settings once; a failure is kept, with a way to try again. */
function useStoredSettings() {
  const [state, setState] = useState<{
    settings: FleetSettingsView | null;
    error: string | null;
  }>({ settings: null, error: null });
  const load = useCallback(() => {
    setState({ settings: null, error: null });
    loadSettings()
      .then((settings) => setState({ settings, error: null }))
      .catch((error: unknown) => setState({ settings: null, error: errorText(error) }));
  }, []);
  useEffect(load, [load]);
  return { ...state, retry: load };
}
