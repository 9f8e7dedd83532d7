"use client";

import { useState } from "react";
import { downloadZip } from "@/lib/client/api";
import type { RenderRequest } from "@/lib/render/schema";
import { CodeView, languageOf } from "./code-view";
import { primaryButtonClass, Section } from "./ui";
import type { RenderPreview } from "./use-render-preview";
import { WarningsList } from "./warnings-list";

export function PreviewPanel({
  preview,
  request,
}: {
  preview: RenderPreview;
  request: RenderRequest;
}) {
  const [nodeName, setNodeName] = useState<string | null>(null);
  const [filePath, setFilePath] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const { result, error, pending } = preview;
  const node = result?.nodes.find((candidate) => candidate.name === nodeName) ?? result?.nodes[0];
  const file = node?.files.find((candidate) => candidate.path === filePath) ?? node?.files[0];

  const download = () => {
    setDownloadError(null);
    downloadZip(request).catch((failure: unknown) => setDownloadError((failure as Error).message));
  };

  return (
    <div className="lg:sticky lg:top-4 lg:self-start">
      <Section id="preview" step={5} title="Files for every node">
        <div className="mb-3 flex flex-wrap items-center gap-3">
          <button
            type="button"
            className={primaryButtonClass}
            onClick={download}
            disabled={!result || error !== null}
            data-testid="download-zip"
          >
            Download zip
          </button>
          <span className="text-sm text-slate-500 dark:text-slate-400" aria-live="polite">
            {pending
              ? "Rendering…"
              : result && !error
                ? `${result.nodes.length} node${result.nodes.length === 1 ? "" : "s"}, containerd config ${result.configLine}`
                : ""}
          </span>
        </div>
        {error && (
          <p
            role="alert"
            className="mb-3 rounded-md bg-red-50 p-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-300"
            data-testid="render-error"
          >
            {error.message}
          </p>
        )}
        {downloadError && (
          <p role="alert" className="mb-3 text-sm text-red-700">
            {downloadError}
          </p>
        )}
        {result && !error && <WarningsList warnings={result.warnings} />}
        {!result && !error && (
          <p className="text-sm text-slate-500">Rendering the first preview…</p>
        )}
        {node && (
          <div className={error ? "opacity-50" : ""}>
            <label htmlFor="preview-node" className="mr-2 text-sm font-medium">
              Node
            </label>
            <select
              id="preview-node"
              value={node.name}
              onChange={(event) => setNodeName(event.target.value)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              {result?.nodes.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.name} ({candidate.role})
                </option>
              ))}
            </select>
            <nav aria-label="Files" className="mt-3">
              <ul className="space-y-0.5" data-testid="file-list">
                {node.files.map((candidate) => (
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
                <p className="mb-1 flex flex-wrap gap-x-3 font-mono text-xs text-slate-500 dark:text-slate-400">
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
