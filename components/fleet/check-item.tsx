"use client";

import { useState } from "react";
import { inputClass } from "@/components/ui";
import { isOverridableCheck } from "@/lib/checks/readiness";
import { errorText, setOverride } from "@/lib/client/fleet-api";
import type { CheckResult } from "@/lib/inventory/types";
import { ActionDialog } from "./action-dialog";
import { formatTime } from "./fleet-model";
import { StatusBadge } from "./status-icon";
import { labelClass, rowButtonClass } from "./styles";

/** One check result: status, title, reason, raw evidence on demand, and its override. */
export function CheckItem({
  result,
  onChanged,
}: {
  result: CheckResult;
  onChanged: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const removeOverride = async () => {
    setBusy(true);
    setError(null);
    try {
      await setOverride(result.node, result.check, null);
      await onChanged();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      data-testid={`check-${result.check}`}
      data-status={result.status}
      className="px-3 py-2 text-sm"
    >
      <div className="flex flex-wrap items-start gap-2">
        <StatusBadge status={result.override ? "overridden" : result.status} />
        <div className="min-w-0 flex-1">
          <p className="font-medium">
            {result.title}{" "}
            <span className="font-mono text-xs font-normal text-slate-500 dark:text-slate-400">
              {result.check}
            </span>
          </p>
          <p className="break-words text-slate-700 dark:text-slate-300">{result.reason}</p>
          {result.override && (
            <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
              Overridden ({result.status}) at{" "}
              <time dateTime={result.override.at}>{formatTime(result.override.at)}</time>: “
              {result.override.reason}”
            </p>
          )}
          {error && (
            <p role="alert" className="text-xs text-red-700 dark:text-red-400">
              {error}
            </p>
          )}
        </div>
        {/* a login or host-key failure cannot be overridden: nothing would reach the node */}
        {result.status === "fail" && !result.override && isOverridableCheck(result.check) && (
          <button type="button" className={rowButtonClass} onClick={() => setAsking(true)}>
            Override…
          </button>
        )}
        {result.override && (
          <button type="button" className={rowButtonClass} disabled={busy} onClick={removeOverride}>
            Remove override
          </button>
        )}
      </div>
      {result.evidence && (
        <details className="mt-1">
          <summary className="cursor-pointer text-xs text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200">
            Evidence
          </summary>
          <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-50 p-2 font-mono text-xs dark:bg-slate-950">
            {result.evidence}
          </pre>
        </details>
      )}
      {asking && (
        <ActionDialog
          title={`Override “${result.title}” on ${result.node}`}
          submitLabel="Override"
          onClose={() => {
            setAsking(false);
            setReason("");
          }}
          onSubmit={async () => {
            if (!reason.trim()) throw new Error("Say why this failure is acceptable.");
            await setOverride(result.node, result.check, reason.trim());
            await onChanged();
          }}
        >
          <p className="text-sm text-slate-700 dark:text-slate-300">{result.reason}</p>
          <label htmlFor={`override-${result.check}`} className={labelClass}>
            Why is this acceptable? (recorded with the override)
          </label>
          <textarea
            id={`override-${result.check}`}
            rows={3}
            required
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            className={inputClass}
          />
        </ActionDialog>
      )}
    </li>
  );
}
