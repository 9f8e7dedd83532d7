"use client";

import { type DragEvent, useId, useRef, useState } from "react";
import type { CatalogResult } from "@/lib/catalog/types";
import { type FleetSettingsView, uploadCatalog } from "@/lib/client/api";
import { CatalogSummary } from "./catalog-summary";
import { buttonClass, FieldError, Section } from "./ui";

export function CatalogPanel({
  catalog,
  storedCatalog,
  onCatalog,
}: {
  catalog: CatalogResult | null;
  storedCatalog: FleetSettingsView["catalog"];
  onCatalog: (catalog: CatalogResult) => void;
}) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const read = async (file: File | undefined) => {
    if (!file) return;
    setBusy(file.name);
    setError(null);
    try {
      onCatalog(await uploadCatalog(file));
    } catch (failure) {
      setError(`${file.name}: ${(failure as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void read(event.dataTransfer.files[0]);
  };

  return (
    <Section id="catalog" step={1} title="Bundle catalog">
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
      </div>
      <FieldError id="catalog-error" message={error} />
      {catalog ? (
        <CatalogSummary catalog={catalog} />
      ) : storedCatalog ? (
        <p className="mt-3 text-sm" data-testid="stored-catalog">
          Last catalog{storedCatalog.fileName ? ` ${storedCatalog.fileName}` : ""}:{" "}
          <span className="font-medium">{storedCatalog.images.length}</span> images from{" "}
          {storedCatalog.registries.length} registries ({storedCatalog.format.replaceAll("-", " ")}
          ).
        </p>
      ) : (
        <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">
          No catalog yet: you can also pick the registries by hand below.
        </p>
      )}
    </Section>
  );
}
