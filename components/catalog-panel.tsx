"use client";

import { type DragEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import type { CatalogResult } from "@/lib/catalog/types";
import {
  type CatalogSources,
  loadCatalogSources,
  removeCatalogSource,
  uploadCatalog,
} from "@/lib/client/api";
import { errorText } from "@/lib/client/fleet-api";
import { CatalogSummary } from "./catalog-summary";
import { buttonClass, FieldError, Section } from "./ui";

/**
 * Catalog uploads, each kept as a named source whose registries add to the others'; `onCatalog`
 * gets the registries of their union whenever it changes.
 */
export function CatalogPanel({
  onCatalog,
}: {
  onCatalog: (registries: CatalogSources["catalog"]["registries"]) => void;
}) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [replace, setReplace] = useState(false);
  const [last, setLast] = useState<CatalogResult | null>(null);
  const [sources, setSources] = useState<CatalogSources | null>(null);

  const refresh = useCallback(async (next?: CatalogSources) => {
    const known = next ?? (await loadCatalogSources());
    setSources(known);
    return known;
  }, []);
  useEffect(() => {
    refresh().catch((failure: unknown) =>
      setError(`Could not load the catalogs: ${errorText(failure)}`),
    );
  }, [refresh]);

  const read = async (file: File | undefined) => {
    if (!file) return;
    setBusy(file.name);
    setError(null);
    try {
      setLast(await uploadCatalog(file, replace));
      setReplace(false);
      onCatalog((await refresh()).catalog.registries);
    } catch (failure) {
      setError(`${file.name}: ${errorText(failure)}`);
    } finally {
      setBusy(null);
    }
  };
  const remove = async (id: number, name: string) => {
    setError(null);
    try {
      onCatalog((await refresh(await removeCatalogSource(id))).catalog.registries);
      setLast(null);
    } catch (failure) {
      setError(`${name}: ${errorText(failure)}`);
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void read(event.dataTransfer.files[0]);
  };
  const kept = sources?.sources ?? [];

  return (
    <Section id="catalog" step={1} title="Bundle catalogs">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop target; the button inside is the keyboard path */}
      <div
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="catalog-drop"
        className={`rounded-md border-2 border-dashed p-4 text-center text-sm ${
          dragging
            ? "border-blue-600 bg-blue-50 dark:bg-blue-950/40"
            : "border-slate-300 dark:border-slate-700"
        }`}
      >
        <p className="text-slate-600 dark:text-slate-400">
          Drop an image list, OCI <code>index.json</code>, <code>docker save</code> manifest, Zarf,
          Hauler, skopeo or mindthegap YAML, or a bundle <code>.tar</code>/<code>.tar.gz</code>.
          Each file adds its registries to those already loaded.
        </p>
        <label htmlFor={inputId} className="sr-only">
          Catalog file
        </label>
        <input
          id={inputId}
          ref={input}
          type="file"
          className="sr-only"
          data-testid="catalog-input"
          onChange={(event) => {
            void read(event.target.files?.[0]);
            event.target.value = "";
          }}
        />
        <button
          type="button"
          className={`${buttonClass} mt-3`}
          onClick={() => input.current?.click()}
          disabled={busy !== null}
        >
          {busy ? `Reading ${busy}…` : "Choose a file"}
        </button>
        {kept.length > 0 && (
          <label className="mt-2 flex items-center justify-center gap-2 text-slate-700 dark:text-slate-300">
            <input
              type="checkbox"
              checked={replace}
              onChange={(event) => setReplace(event.target.checked)}
            />
            Replace the {kept.length === 1 ? "catalog" : `${kept.length} catalogs`} already loaded
          </label>
        )}
      </div>
      <FieldError id="catalog-error" message={error} />
      {last && <CatalogSummary catalog={last} />}
      <SourceList sources={sources} onRemove={(id, name) => void remove(id, name)} />
    </Section>
  );
}

function SourceList({
  sources,
  onRemove,
}: {
  sources: CatalogSources | null;
  onRemove: (id: number, name: string) => void;
}) {
  if (!sources) return null;
  if (sources.sources.length === 0) {
    return (
      <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
        No catalog yet: you can also pick the registries by hand below.
      </p>
    );
  }
  return (
    <div className="mt-3 text-sm">
      <p data-testid="catalog-total">
        Fleet catalog: {count(sources.catalog.images, "image")} from{" "}
        {count(sources.catalog.registries.length, "registry")}, from:
      </p>
      <ul
        className="mt-1 divide-y divide-slate-100 dark:divide-slate-800"
        data-testid="catalog-sources"
        aria-label="Loaded catalogs"
      >
        {sources.sources.map((source) => (
          <li key={source.id} className="flex flex-wrap items-baseline gap-x-3 py-1">
            <span className="min-w-0 break-all font-mono">{source.name}</span>
            <span className="text-xs text-slate-600 dark:text-slate-400">
              {count(source.images, "image")} · {count(source.registries.length, "registry")} ·{" "}
              {source.format.replaceAll("-", " ")}
            </span>
            <button
              type="button"
              aria-label={`Remove catalog ${source.name}`}
              className="ml-auto text-xs text-slate-600 underline hover:text-red-700 dark:text-slate-400"
              onClick={() => onRemove(source.id, source.name)}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function count(n: number, noun: "image" | "registry"): string {
  return `${n} ${n === 1 ? noun : noun === "image" ? "images" : "registries"}`;
}
