"use client";

import { badgeClass } from "@/components/fleet/styles";
import { formatDuration } from "@/components/runs/run-format";
import type { RunDetail } from "@/lib/client/runs-api";
import { type PushArtifactRow, pushFigures } from "@/lib/registry/push-progress";
import { sizeText } from "@/lib/runs/binary-choice";
import type { ArtifactRunState } from "@/lib/runs/types";

const STATE_LOOK: Record<ArtifactRunState, { text: string; className: string }> = {
  queued: {
    text: "queued",
    className: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  },
  uploading: {
    text: "uploading",
    className: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200",
  },
  skipped: {
    text: "already there",
    className: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
  },
  done: {
    text: "done",
    className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  },
  failed: {
    text: "failed",
    className: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  },
  planned: {
    text: "planned",
    className: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  },
};

/**
 * A push run's artifacts, live from its events: overall bytes read, rate and time left, and each
 * artifact's state, bytes, digest and the registry's error.
 */
export function PushArtifacts({ run, now }: { run: RunDetail; now: number }) {
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const elapsed = Math.max(0, (end - Date.parse(run.createdAt)) / 1000);
  const figures = pushFigures(run.progress, elapsed);
  const { readBytes, totalBytes, bytesPerSecond, secondsLeft, counts } = figures;
  const summary = (Object.keys(STATE_LOOK) as ArtifactRunState[])
    .filter((state) => counts[state])
    .map((state) => `${counts[state]} ${STATE_LOOK[state].text}`)
    .join(", ");
  return (
    <div className="space-y-3">
      <div className="text-sm" data-testid="push-overall">
        {totalBytes !== null && (
          <progress
            className="mb-1 block h-2 w-full max-w-md"
            value={readBytes}
            max={totalBytes}
            aria-label="Bundle read"
          />
        )}
        <p>
          {sizeText(readBytes)}
          {totalBytes !== null ? ` of ${sizeText(totalBytes)}` : ""} read
          {bytesPerSecond !== null ? ` · ${sizeText(bytesPerSecond)}/s` : ""}
          {run.status === "running" && secondsLeft !== null
            ? ` · about ${formatDuration(secondsLeft * 1000)} left`
            : ""}
        </p>
        <p className="text-slate-600 dark:text-slate-400">{summary || "No artifact yet."}</p>
      </div>
      {figures.artifacts.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="push-artifacts">
            <thead className="text-xs text-slate-600 dark:text-slate-400">
              <tr>
                <th className="px-2 py-1 font-medium">Target</th>
                <th className="px-2 py-1 font-medium">State</th>
                <th className="px-2 py-1 font-medium">Bytes</th>
                <th className="px-2 py-1 font-medium">Digest or error</th>
              </tr>
            </thead>
            <tbody>
              {figures.artifacts.map((row) => (
                <ArtifactRow key={row.reference} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ArtifactRow({ row }: { row: PushArtifactRow }) {
  const look = STATE_LOOK[row.state];
  const bytes =
    row.state === "uploading"
      ? `${sizeText(row.done)}${row.total ? ` of ${sizeText(row.total)}` : ""}`
      : row.state === "done"
        ? `${sizeText(row.done)} sent`
        : row.state === "planned" && row.total !== null
          ? sizeText(row.total)
          : "";
  return (
    <tr
      className="border-t border-slate-200 align-top dark:border-slate-800"
      data-state={row.state}
    >
      <td className="px-2 py-1 font-mono text-xs break-all" title={row.artifact}>
        {row.reference}
      </td>
      <td className="px-2 py-1">
        <span className={`${badgeClass} ${look.className}`}>{look.text}</span>
      </td>
      <td className="px-2 py-1 whitespace-nowrap">{bytes}</td>
      <td className="px-2 py-1 text-xs break-all">
        {row.error ? (
          <span className="text-red-700 dark:text-red-400">{row.error}</span>
        ) : (
          <span className="font-mono text-slate-600 dark:text-slate-400">{row.digest ?? ""}</span>
        )}
      </td>
    </tr>
  );
}
