"use client";

import { type DragEvent, useState } from "react";
import { buttonClass, Hint, inputClass, primaryButtonClass, Section } from "@/components/ui";
import {
  confirmImport,
  errorText,
  type ImportOutcome,
  type ImportPreview,
  previewImport,
} from "@/lib/client/fleet-api";
import { ImportPreviewTable } from "./import-preview";

const MAX_BYTES = 4 * 1024 * 1024;

/** Paste or drop a k0sctl.yaml, an Ansible inventory or a CSV; preview; then import the valid rows. */
export function ImportPanel({
  onImported,
  credentials,
}: {
  onImported: () => Promise<void>;
  /** stored credentials' names: one may be chosen for every row */
  credentials: string[];
}) {
  const [content, setContent] = useState("");
  const [credential, setCredential] = useState("");
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const load = (text: string) => {
    setContent(text);
    setPreview(null);
    setOutcome(null);
    setError(null);
  };
  const loadFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_BYTES)
      setError(
        `${file.name} is over the 4 MiB import limit: import a k0sctl.yaml, an Ansible inventory or a CSV file.`,
      );
    else load(await file.text());
  };
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void loadFile(event.dataTransfer.files[0]);
  };
  const valid = preview?.rows.filter((row) => row.errors.length === 0).length ?? 0;

  return (
    <Section id="import" step={2} title="Import an inventory">
      <label htmlFor="import-content" className="sr-only">
        Inventory content
      </label>
      <textarea
        id="import-content"
        rows={6}
        value={content}
        spellCheck={false}
        placeholder="Paste a k0sctl.yaml, an Ansible inventory (INI or YAML) or a CSV, or drop the file here"
        onChange={(event) => load(event.target.value)}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`${inputClass} font-mono text-xs ${dragging ? "ring-2 ring-blue-600" : ""}`}
      />
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <input
          type="file"
          aria-label="Choose an inventory file"
          accept=".yaml,.yml,.ini,.csv,.txt,.cfg,text/*"
          onChange={(event) => {
            void loadFile(event.target.files?.[0]);
            event.target.value = "";
          }}
          className="text-xs text-slate-600 file:mr-2 file:rounded file:border file:border-slate-300 file:bg-white file:px-2 file:py-1 dark:text-slate-400 dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-200"
        />
        {credentials.length > 0 && (
          <label className="flex items-center gap-2 text-sm whitespace-nowrap">
            Login for every row
            <select
              value={credential}
              onChange={(event) => {
                setCredential(event.target.value);
                setPreview(null);
                setOutcome(null);
              }}
              className={`${inputClass} w-auto`}
            >
              <option value="">from the file</option>
              {credentials.map((name) => (
                <option key={name} value={name}>
                  credential {name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          className={buttonClass}
          disabled={busy || !content.trim()}
          onClick={() => run(async () => setPreview(await previewImport(content, credential)))}
        >
          Preview
        </button>
        {preview && !outcome && (
          <button
            type="button"
            className={primaryButtonClass}
            disabled={busy || valid === 0}
            onClick={() =>
              run(async () => {
                setOutcome(await confirmImport(content, credential));
                await onImported();
              })
            }
          >
            Import {valid} valid row{valid === 1 ? "" : "s"}
          </button>
        )}
        {busy && (
          <span className="text-sm text-slate-500" aria-live="polite">
            Working…
          </span>
        )}
      </div>
      <Hint>The format is detected from the content. Nothing is saved before you import.</Hint>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {outcome && <ImportOutcomeText outcome={outcome} />}
      {preview && (
        <ImportPreviewTable format={preview.format} rows={preview.rows} notes={preview.notes} />
      )}
    </Section>
  );
}

function ImportOutcomeText({ outcome }: { outcome: ImportOutcome }) {
  return (
    <div role="status" data-testid="import-outcome" className="mt-2 space-y-1 text-sm">
      <p
        className={
          outcome.created.length > 0
            ? "text-emerald-700 dark:text-emerald-400"
            : "text-slate-700 dark:text-slate-300"
        }
      >
        {outcome.created.length > 0 && <span aria-hidden>✓ </span>}
        {outcome.created.length} node{outcome.created.length === 1 ? "" : "s"} created
        {outcome.created.length > 0 && `: ${outcome.created.join(", ")}`}.
      </p>
      {outcome.conflicts.length > 0 && (
        <p className="text-amber-800 dark:text-amber-300">
          <span aria-hidden>! </span>
          Already in the inventory, not changed: {outcome.conflicts.join(", ")}.
        </p>
      )}
    </div>
  );
}
