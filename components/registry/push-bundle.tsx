"use client";

import Link from "next/link";
import { useCallback, useEffect, useId, useState } from "react";
import { errorText } from "@/lib/client/fleet-api";
import {
  type BundleChoices,
  listBundleChoices,
  startPush,
  uploadBundle,
} from "@/lib/client/registry-api";
import { runPath } from "@/lib/client/runs-api";
import { sizeText } from "@/lib/runs/binary-choice";
import { FieldError, fieldClass, Hint, inputClass, primaryButtonClass } from "../ui";

/** A choice's value: "source:<name in the bundles folder>" or "upload:<sha256>". */
function choiceRequest(choice: string): { source: string } | { upload: string } {
  return choice.startsWith("upload:")
    ? { upload: choice.slice("upload:".length) }
    : { source: choice.slice("source:".length) };
}

/**
 * Push a bundle into the registry as a run: one of CONSOLE_BUNDLES_DIR or an upload, how many
 * artifacts at once, a dry run or not; the run's page follows it live.
 */
export function PushBundleForm() {
  const ids = useId();
  const [choices, setChoices] = useState<BundleChoices | null>(null);
  const [choice, setChoice] = useState("");
  const [concurrency, setConcurrency] = useState("4");
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState<"uploading" | "starting" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<{ id: string; dryRun: boolean } | null>(null);

  const load = useCallback(async (select?: string) => {
    try {
      const next = await listBundleChoices();
      setChoices(next);
      const first = next.bundles[0]
        ? `source:${next.bundles[0].name}`
        : next.uploads[0]
          ? `upload:${next.uploads[0].sha256}`
          : "";
      setChoice((current) => select ?? (current || first));
    } catch (caught) {
      setError(`Could not list the bundles: ${errorText(caught)}`);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function upload(file: File) {
    setBusy("uploading");
    setError(null);
    try {
      const uploaded = await uploadBundle(file);
      await load(`upload:${uploaded.sha256}`);
    } catch (caught) {
      setError(`Not uploaded: ${errorText(caught)}`);
    } finally {
      setBusy(null);
    }
  }

  async function push() {
    const count = Number(concurrency);
    if (!choice) return setError("Choose a bundle, or upload one.");
    if (!Number.isInteger(count) || count < 1 || count > 32)
      return setError("Artifacts at once: a whole number from 1 to 32.");
    setBusy("starting");
    setError(null);
    try {
      const id = await startPush({ ...choiceRequest(choice), concurrency: count, dryRun });
      setStarted({ id, dryRun });
    } catch (caught) {
      setError(`Not started: ${errorText(caught)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <form
      aria-label="Push a bundle"
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        void push();
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={`${ids}-bundle`} className="block text-sm font-medium">
            Bundle
          </label>
          <select
            id={`${ids}-bundle`}
            className={inputClass}
            value={choice}
            onChange={(event) => setChoice(event.target.value)}
          >
            {!choice && <option value="">{choices ? "No bundle yet" : "Loading…"}</option>}
            {choices?.bundles.map((bundle) => (
              <option key={bundle.name} value={`source:${bundle.name}`}>
                {bundle.name}
                {bundle.size !== null ? ` (${sizeText(bundle.size)})` : " (folder)"}
              </option>
            ))}
            {choices?.uploads.map((upload) => (
              <option key={upload.sha256} value={`upload:${upload.sha256}`}>
                uploaded {upload.sha256.slice(0, 12)}… ({sizeText(upload.size)})
              </option>
            ))}
          </select>
          <Hint>
            {choices?.configured === false
              ? "No bundles folder is set (CONSOLE_BUNDLES_DIR): upload the bundle."
              : "The bundles of the console's bundles folder (CONSOLE_BUNDLES_DIR), then the uploads."}
          </Hint>
        </div>
        <div>
          <label htmlFor={`${ids}-upload`} className="block text-sm font-medium">
            Upload a bundle (.tar, .tar.gz)
          </label>
          <input
            id={`${ids}-upload`}
            type="file"
            accept=".tar,.gz,.tgz,application/gzip,application/x-tar"
            className={`${inputClass} file:mr-2 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:text-sm dark:file:bg-slate-800 dark:file:text-slate-200`}
            disabled={busy !== null}
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void upload(file);
              event.target.value = "";
            }}
          />
          <Hint>
            {busy === "uploading" ? "Uploading…" : "Streamed to the console's data folder."}
          </Hint>
        </div>
      </div>
      <div className="flex flex-wrap items-end gap-4">
        <div>
          <label htmlFor={`${ids}-concurrency`} className="block text-sm font-medium">
            Artifacts at once
          </label>
          <input
            id={`${ids}-concurrency`}
            type="number"
            min={1}
            max={32}
            className={`${fieldClass} w-24`}
            value={concurrency}
            onChange={(event) => setConcurrency(event.target.value)}
          />
        </div>
        <label className="flex items-center gap-2 pb-1.5 text-sm">
          <input
            type="checkbox"
            checked={dryRun}
            onChange={(event) => setDryRun(event.target.checked)}
          />
          Dry run (list every target, send nothing)
        </label>
        <button type="submit" className={primaryButtonClass} disabled={busy !== null || !choice}>
          {busy === "starting" ? "Starting…" : dryRun ? "Start dry run" : "Push"}
        </button>
      </div>
      <FieldError id={`${ids}-error`} message={error} />
      {started && (
        <p role="status" className="text-sm">
          {started.dryRun ? "Dry run" : "Push"} started:{" "}
          <Link href={runPath(started.id)} className="text-blue-700 underline dark:text-blue-300">
            follow run {started.id}
          </Link>
          . Cancel it there; pushing again resumes, skipping what the registry has.
        </p>
      )}
    </form>
  );
}
