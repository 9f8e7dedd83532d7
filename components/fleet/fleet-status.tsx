import type { RunNotice } from "./use-check-run";

const NOTICE_STYLE: Record<RunNotice["kind"], string> = {
  ok: "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200",
  warn: "bg-amber-50 text-amber-900 dark:bg-amber-950/40 dark:text-amber-200",
  error: "bg-red-50 text-red-800 dark:bg-red-950/50 dark:text-red-200",
};

/** Progress and outcome of check runs, loading, and the empty states of the fleet table. */
export function FleetStatus({
  running,
  notice,
  loadError,
  loaded,
  total,
  shown,
  filter,
}: {
  running: string | null;
  notice: RunNotice | null;
  loadError: string | null;
  loaded: boolean;
  total: number;
  shown: number;
  filter: string;
}) {
  return (
    <>
      <div aria-live="polite" className="text-sm">
        {running && (
          <p className="mb-2 rounded-md bg-blue-50 px-3 py-2 text-blue-900 dark:bg-blue-950/50 dark:text-blue-200">
            <span aria-hidden className="mr-1 inline-block animate-spin">
              ◌
            </span>
            {running}
          </p>
        )}
        {notice && (
          <p
            role={notice.kind === "error" ? "alert" : undefined}
            data-testid="fleet-notice"
            data-kind={notice.kind}
            className={`mb-2 rounded-md px-3 py-2 ${NOTICE_STYLE[notice.kind]}`}
          >
            {notice.text}
          </p>
        )}
      </div>
      {loadError && (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-400">
          Could not load the fleet: {loadError}
        </p>
      )}
      {!loaded && !loadError && <p className="text-sm text-slate-500">Loading the fleet…</p>}
      {loaded && total === 0 && (
        <p
          data-testid="fleet-empty"
          className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
        >
          No nodes yet: add one or import a k0sctl.yaml / Ansible inventory / CSV.
        </p>
      )}
      {total > 0 && shown === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">No node matches “{filter}”.</p>
      )}
    </>
  );
}
