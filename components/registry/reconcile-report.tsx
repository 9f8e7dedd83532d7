"use client";

import { useState } from "react";
import {
  type FixResult,
  fixReconcile,
  loadReconcileReport,
  type ReconcileReport,
} from "@/lib/client/reconcile-api";
import { buttonClass, Hint, primaryButtonClass } from "../ui";

type Row = ReconcileReport["rows"][number];

const STATE_WORDS: Record<Row["state"], string> = {
  missing: "Missing",
  "wrong-platform": "Wrong platform",
  present: "Present",
};

const STATE_CLASS: Record<Row["state"], string> = {
  missing: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  "wrong-platform": "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
  present: "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-300",
};

/**
 * What every node will request vs what the registry holds: each reference's request URL, its
 * state, where a missing one already sits, and a fix per row or for all (manifest copied inside
 * the registry, nothing uploaded); the fix's results shown, then the report read again.
 */
export function ReconcileReportView() {
  const [report, setReport] = useState<ReconcileReport | null>(null);
  const [results, setResults] = useState<FixResult[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function check() {
    setBusy("check");
    setError(null);
    try {
      setReport(await loadReconcileReport());
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(null);
    }
  }

  async function fix(references: string[] | "all") {
    setBusy(references === "all" ? "all" : (references[0] ?? ""));
    setError(null);
    try {
      setResults(await fixReconcile(references));
      setReport(await loadReconcileReport());
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(null);
    }
  }

  const fixable = report?.rows.filter((row) => row.state === "missing" && row.candidates.length);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={primaryButtonClass}
          disabled={busy !== null}
          onClick={check}
        >
          {busy === "check"
            ? "Checking…"
            : report
              ? "Check again"
              : "Check what nodes will request"}
        </button>
        {fixable && fixable.length > 0 && (
          <button
            type="button"
            className={buttonClass}
            disabled={busy !== null}
            onClick={() => fix("all")}
          >
            {busy === "all" ? "Fixing…" : `Fix all (${fixable.length})`}
          </button>
        )}
      </div>
      <Hint>
        Every k0s system image and catalog image, asked for where containerd will ask through the
        rendered hosts.toml. A fix copies the manifest inside the registry (blobs mounted, nothing
        uploaded).
      </Hint>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <FixResults results={results} />
      {report && <Report report={report} busy={busy} onFix={(image) => fix([image])} />}
    </div>
  );
}

function FixResults({ results }: { results: FixResult[] }) {
  if (results.length === 0) return null;
  return (
    <ul aria-label="Fix results" className="space-y-1 text-sm">
      {results.map((result) => (
        <li key={result.image} className="break-words">
          <span className="font-medium">{result.image}</span>:{" "}
          <span className={result.outcome === "fixed" ? "text-green-800 dark:text-green-300" : ""}>
            {result.outcome.replace("-", " ")}
          </span>{" "}
          — {result.message}
        </li>
      ))}
    </ul>
  );
}

function Report({
  report,
  busy,
  onFix,
}: {
  report: ReconcileReport;
  busy: string | null;
  onFix: (image: string) => void;
}) {
  const missing = report.rows.filter((row) => row.state !== "present").length;
  return (
    <div className="space-y-2">
      <p role="status" className="text-sm text-slate-700 dark:text-slate-300">
        {missing === 0
          ? `All ${report.rows.length} requested references resolve in ${report.registry}.`
          : `${missing} of ${report.rows.length} requested references do not resolve in ${report.registry}.`}{" "}
        k0s {report.k0sVersion}, {report.architectures.join(", ")}.
      </p>
      {!report.k0sKnown && (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          k0s {report.k0sVersion} is not in the built-in table: its system images were not checked.
        </p>
      )}
      <ul
        aria-label="Requested references"
        className="divide-y divide-slate-200 dark:divide-slate-800"
      >
        {report.rows.map((row) => (
          <ReportRow key={row.image} row={row} busy={busy} onFix={onFix} />
        ))}
      </ul>
      {report.upstream.length > 0 && (
        <Hint>
          Not sent to the mirror (containerd pulls upstream): {report.upstream.join(", ")}
        </Hint>
      )}
    </div>
  );
}

function ReportRow({
  row,
  busy,
  onFix,
}: {
  row: Row;
  busy: string | null;
  onFix: (image: string) => void;
}) {
  return (
    <li className="flex flex-col gap-1 py-2 text-sm sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0 space-y-0.5">
        <div className="flex flex-wrap items-center gap-2">
          <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATE_CLASS[row.state]}`}>
            {STATE_WORDS[row.state]}
          </span>
          <span className="break-all font-medium">{row.image}</span>
          <span className="text-xs text-slate-600 dark:text-slate-400">{row.source}</span>
        </div>
        <p className="break-all font-mono text-xs text-slate-600 dark:text-slate-400">{row.url}</p>
        {row.lacking.length > 0 && <p className="text-xs">Lacks {row.lacking.join(", ")}.</p>}
        {row.state === "missing" && (
          <p className="break-all text-xs">
            {row.candidates.length > 0
              ? `Found at ${row.candidates.map((c) => `${c.repository}:${row.reference}`).join(", ")}`
              : "Nowhere else in the registry: push it first."}
          </p>
        )}
      </div>
      {row.state === "missing" && row.candidates.length > 0 && (
        <button
          type="button"
          className={`${buttonClass} shrink-0 self-start`}
          disabled={busy !== null}
          aria-label={`Fix ${row.image}`}
          onClick={() => onFix(row.image)}
        >
          {busy === row.image ? "Fixing…" : "Fix"}
        </button>
      )}
    </li>
  );
}
