"use client";

import Link from "next/link";
import { useState } from "react";
import { downloadFleetZip } from "@/lib/client/api";
import { CodeView, languageOf } from "./code-view";
import { buttonClass, primaryButtonClass, Section } from "./ui";
import type { FleetPreviewState } from "./use-fleet-preview";
import { WarningsList } from "./warnings-list";

/** The fleet's files as plans and applies write them: one node's shown, every node's zipped. */
export function PreviewPanel({
  preview,
  node,
  onNode,
}: {
  preview: FleetPreviewState;
  node: string | null;
  onNode: (node: string) => void;
}) {
  const [filePath, setFilePath] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const { result, error, pending } = preview;
  const shown = result?.nodes[0];
  const file = shown?.files.find((candidate) => candidate.path === filePath) ?? shown?.files[0];
  const ready = result !== null && error === null && !pending;

  const download = (only?: string) => {
    setDownloadError(null);
    downloadFleetZip(only).catch((failure: unknown) =>
      setDownloadError((failure as Error).message),
    );
  };

  return (
    <div className="lg:sticky lg:top-4 lg:self-start">
      <Section id="preview" step={4} title="Files for every node">
        <div className="mb-3 flex flex-wrap items-center gap-3">
          <button
            type="button"
            className={primaryButtonClass}
            onClick={() => download()}
            disabled={!ready}
            data-testid="download-zip"
          >
            Download zip{result && !result.sample ? ` (${plural(result.fleet.length)})` : ""}
          </button>
          {shown && result && result.fleet.length > 1 && (
            <button
              type="button"
              className={buttonClass}
              onClick={() => download(shown.name)}
              disabled={!ready}
              data-testid="download-node-zip"
            >
              Zip {shown.name} only
            </button>
          )}
          {/* the settings save as they are typed: say when they are (plans and applies use them) */}
          <span
            className="text-sm text-slate-600 dark:text-slate-400"
            aria-live="polite"
            data-testid="settings-state"
          >
            {pending
              ? "Saving and rendering…"
              : result && !error
                ? `Settings saved · containerd config ${result.configLine}`
                : ""}
          </span>
        </div>
        {error && (
          <p
            role="alert"
            className="mb-3 rounded-md bg-red-50 p-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-300"
            data-testid="render-error"
          >
            {error.saving
              ? `Not saved (plans and applies still use the last saved settings): ${error.message}`
              : error.message}
          </p>
        )}
        {downloadError && (
          <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
            {downloadError}
          </p>
        )}
        {result?.sample && (
          <p className="mb-3 text-sm text-slate-700 dark:text-slate-300" data-testid="sample-node">
            The fleet has no nodes yet: these are the files of a sample single node.{" "}
            <Link href="/fleet" className="underline">
              Add nodes on the Fleet page
            </Link>{" "}
            to see their own.
          </p>
        )}
        {result && !error && <WarningsList warnings={result.warnings} />}
        {!result && !error && (
          <p className="text-sm text-slate-600 dark:text-slate-400">Rendering the first preview…</p>
        )}
        {shown && result && (
          <div className={error ? "opacity-50" : ""}>
            <label htmlFor="preview-node" className="mr-2 text-sm font-medium">
              Node
            </label>
            <select
              id="preview-node"
              value={node ?? shown.name}
              onChange={(event) => onNode(event.target.value)}
              className="max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              {result.fleet.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.name} ({candidate.role})
                </option>
              ))}
            </select>
            <nav aria-label="Files" className="mt-3">
              <ul className="space-y-0.5" data-testid="file-list">
                {shown.files.map((candidate) => (
                  <li key={candidate.path}>
                    <button
                      type="button"
                      aria-current={candidate.path === file?.path ? "true" : undefined}
                      onClick={() => setFilePath(candidate.path)}
                      className="w-full truncate rounded px-2 py-0.5 text-left font-mono text-xs hover:bg-slate-100 aria-[current=true]:bg-blue-100 aria-[current=true]:text-blue-900 dark:hover:bg-slate-800 dark:aria-[current=true]:bg-blue-900/60 dark:aria-[current=true]:text-blue-100"
                    >
                      {candidate.path}
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
            {file && (
              <div className="mt-3">
                <p className="mb-1 flex flex-wrap gap-x-3 font-mono text-xs text-slate-600 dark:text-slate-400">
                  <span className="text-slate-900 dark:text-slate-100">{file.path}</span>
                  <span>mode {file.mode}</span>
                  <span title={file.sha256}>sha256 {file.sha256.slice(0, 16)}…</span>
                  <button
                    type="button"
                    className="underline hover:text-slate-900 dark:hover:text-white"
                    onClick={() => void navigator.clipboard?.writeText(file.content)}
                  >
                    copy
                  </button>
                </p>
                <CodeView content={file.content} language={languageOf(file.path)} />
              </div>
            )}
          </div>
        )}
      </Section>
    </div>
  );
}

function plural(nodes: number): string {
  return `${nodes} node${nodes === 1 ? "" : "s"}`;
}
