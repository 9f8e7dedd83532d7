"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useState } from "react";
import { ReadinessBadge } from "@/components/checks/readiness-badge";
import { matchesFilter } from "@/components/fleet/fleet-model";
import { labelClass } from "@/components/fleet/styles";
import { SudoDialog } from "@/components/fleet/sudo-dialog";
import { buttonClass, Hint, inputClass, primaryButtonClass } from "@/components/ui";
import type { Readiness } from "@/lib/checks/readiness";
import { errorText, fleetReadiness, listNodes } from "@/lib/client/fleet-api";
import { runPath, startRun } from "@/lib/client/runs-api";
import type { NodePublic } from "@/lib/inventory/types";
import { K0sBinariesField } from "./k0s-binary-field";
import { ReadinessCounts } from "./readiness-counts";
import { useRememberedBinaries } from "./use-remembered-binaries";

const DEFAULT_CONCURRENCY = 30;
const DEFAULT_STAGE_TIMEOUT_SECONDS = 900;

/** The number in `text` when it is a whole number from min to max, else null. */
function wholeNumber(text: string, min: number, max: number): number | null {
  const value = Number(text);
  return text.trim() !== "" && Number.isInteger(value) && value >= min && value <= max
    ? value
    : null;
}

/**
 * Starts a plan: every node or chosen ones, how many at a time; asks the sudo password of the
 * "ask" nodes first; then opens the new run's page.
 */
export function PlanForm() {
  const router = useRouter();
  const formId = useId();
  const [nodes, setNodes] = useState<NodePublic[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [scope, setScope] = useState<"all" | "chosen">("all");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [filter, setFilter] = useState("");
  const [concurrency, setConcurrency] = useState(String(DEFAULT_CONCURRENCY));
  const [stageTimeout, setStageTimeout] = useState(String(DEFAULT_STAGE_TIMEOUT_SECONDS));
  const [k0sBinaries, setK0sBinaries] = useRememberedBinaries();
  const [asking, setAsking] = useState<NodePublic[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const [readiness, setReadiness] = useState<Map<string, Readiness>>(new Map());

  useEffect(() => {
    listNodes()
      .then(setNodes)
      .catch((caught) => setLoadError(errorText(caught)));
    fleetReadiness()
      .then((list) => setReadiness(new Map(list.map((item) => [item.node, item]))))
      .catch(() => undefined); // the badges show "…": the plan itself does not need them
  }, []);

  const all = useMemo(() => nodes ?? [], [nodes]);
  const shown = useMemo(() => all.filter((node) => matchesFilter(node, filter)), [all, filter]);
  const targets = scope === "all" ? all : all.filter((node) => chosen.has(node.name));
  const limit = wholeNumber(concurrency, 1, 200);
  const timeout = wholeNumber(stageTimeout, 1, 86_400);
  const invalid = limit === null || timeout === null;

  const start = async (sudoPasswords?: Record<string, string>) => {
    const id = await startRun({
      action: "plan",
      nodes: scope === "all" ? "all" : targets.map((node) => node.name),
      sudoPasswords,
      concurrency: limit ?? DEFAULT_CONCURRENCY,
      stageTimeoutSeconds: timeout ?? DEFAULT_STAGE_TIMEOUT_SECONDS,
      k0sBinaries: Object.keys(k0sBinaries).length > 0 ? k0sBinaries : undefined,
    });
    router.push(runPath(id));
  };

  const submit = async () => {
    setError(null);
    if (targets.length === 0 || invalid) return;
    const ask = targets.filter((node) => node.sudo.mode === "ask");
    if (ask.length > 0) return setAsking(ask);
    setBusy(true);
    try {
      await start();
    } catch (caught) {
      // the binary's field by its label: "k0s binary for arm64", not k0sBinaries.arm64
      setError(errorText(caught).replace(/^k0sBinaries\.(\w+)/, "k0s binary for $1"));
      setBusy(false);
    }
  };

  const toggle = (names: string[], on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      for (const name of names) {
        if (on) next.add(name);
        else next.delete(name);
      }
      return next;
    });

  if (loadError) {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        Could not load the inventory: {loadError}
      </p>
    );
  }
  if (!nodes) return <p className="text-sm text-slate-500">Loading the inventory…</p>;
  if (nodes.length === 0) {
    return (
      <p
        data-testid="plan-no-nodes"
        className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
      >
        No nodes in the inventory yet: add or import them on the{" "}
        <Link href="/fleet" className="text-blue-700 underline dark:text-blue-300">
          Fleet page
        </Link>{" "}
        first.
      </p>
    );
  }

  return (
    <>
      <form
        aria-label="Plan a change"
        data-testid="plan-form"
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <p className="text-sm text-slate-600 dark:text-slate-400">
          A plan connects to each node, reads the files the console would write there and shows what
          an apply would change (diffs) and run (commands). It changes nothing on the nodes.
        </p>
        <fieldset className="space-y-2">
          <legend className={labelClass}>Nodes</legend>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name={`${formId}-scope`}
              checked={scope === "all"}
              onChange={() => setScope("all")}
            />
            Every node in the inventory ({nodes.length})
          </label>
          <ReadinessCounts readiness={[...readiness.values()]} />
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name={`${formId}-scope`}
              checked={scope === "chosen"}
              onChange={() => setScope("chosen")}
            />
            Only the nodes I choose{scope === "chosen" ? ` (${chosen.size} chosen)` : ""}
          </label>
          {scope === "chosen" && (
            <div className="ml-6 space-y-2">
              <div className="flex flex-wrap items-center gap-2">
                <label htmlFor={`${formId}-filter`} className="sr-only">
                  Filter nodes
                </label>
                <input
                  id={`${formId}-filter`}
                  type="search"
                  value={filter}
                  placeholder="Filter by name, address, role or label"
                  onChange={(event) => setFilter(event.target.value)}
                  className={`${inputClass} max-w-sm`}
                />
                <button
                  type="button"
                  className={buttonClass}
                  disabled={shown.length === 0}
                  onClick={() =>
                    toggle(
                      shown.map((node) => node.name),
                      true,
                    )
                  }
                >
                  Choose {filter ? `the ${shown.length} shown` : "all"}
                </button>
                <button
                  type="button"
                  className={buttonClass}
                  disabled={chosen.size === 0}
                  onClick={() => setChosen(new Set())}
                >
                  Clear
                </button>
              </div>
              <fieldset
                data-testid="plan-node-list"
                className="max-h-64 overflow-y-auto rounded-md border border-slate-200 p-2 dark:border-slate-800"
              >
                <legend className="sr-only">Nodes to plan</legend>
                {shown.length === 0 && (
                  <p className="text-sm text-slate-500">No node matches “{filter}”.</p>
                )}
                {shown.map((node) => (
                  <div key={node.name}>
                    <label className="flex flex-wrap items-center gap-x-2 rounded px-1 py-0.5 text-sm hover:bg-slate-50 dark:hover:bg-slate-800/60">
                      <input
                        type="checkbox"
                        checked={chosen.has(node.name)}
                        onChange={(event) => toggle([node.name], event.target.checked)}
                      />
                      <span className="font-medium">{node.name}</span>
                      <span className="text-xs text-slate-500 dark:text-slate-400">
                        {node.address} · {node.role}
                        {node.sudo.mode === "ask" ? " · asks for the sudo password" : ""}
                      </span>
                    </label>
                    <div className="ml-6 pb-1">
                      <ReadinessBadge readiness={readiness.get(node.name)} />
                    </div>
                  </div>
                ))}
              </fieldset>
            </div>
          )}
        </fieldset>
        <div className="flex flex-wrap gap-4">
          <WholeNumberField
            id={`${formId}-concurrency`}
            label="Nodes at a time"
            value={concurrency}
            onChange={setConcurrency}
            min={1}
            max={200}
            hint="How many nodes are worked on in parallel (1–200; k0sctl uses 30)."
          />
          <WholeNumberField
            id={`${formId}-stage-timeout`}
            label="Stage timeout (seconds)"
            value={stageTimeout}
            onChange={setStageTimeout}
            min={1}
            max={86_400}
            hint="A stage still running after this fails its node. An apply started from this plan uses the same timeout."
          />
        </div>
        <K0sBinariesField value={k0sBinaries} onChange={setK0sBinaries} nodeCount={nodes.length} />
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            The plan could not start: {error}
          </p>
        )}
        <button
          type="submit"
          className={primaryButtonClass}
          disabled={busy || targets.length === 0 || invalid}
          aria-busy={busy}
        >
          {busy
            ? "Starting…"
            : targets.length === 0
              ? "Choose at least one node"
              : `Plan on ${targets.length === 1 ? (targets[0]?.name ?? "1 node") : `${targets.length} nodes`}`}
        </button>
      </form>
      {asking && (
        <SudoDialog
          nodes={asking}
          submitLabel="Start the plan"
          emptyHint="Left empty: this node fails at its start and the others go on."
          onRun={start}
          onClose={() => setAsking(null)}
        />
      )}
    </>
  );
}

function WholeNumberField({
  id,
  label,
  value,
  onChange,
  min,
  max,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  min: number;
  max: number;
  hint: string;
}) {
  const error =
    wholeNumber(value, min, max) === null
      ? `A whole number from ${min} to ${max.toLocaleString("en-US")}.`
      : null;
  return (
    <div className="w-full sm:w-72">
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={value}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
        className={inputClass}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : (
        <Hint>{hint}</Hint>
      )}
    </div>
  );
}
