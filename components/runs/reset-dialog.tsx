"use client";

import { useEffect, useId, useState } from "react";
import { ActionDialog } from "@/components/fleet/action-dialog";
import { labelClass } from "@/components/fleet/styles";
import { inputClass, ScrollList } from "@/components/ui";
import { errorText, listNodes } from "@/lib/client/fleet-api";
import { startRun } from "@/lib/client/runs-api";
import { resetConfirmed } from "@/lib/runs/action-preview";
import type { RunStarter } from "./use-launch-run";

/**
 * Reset is destructive (k0s stops, `k0s reset`, the console's files removed): the dialog names
 * every node it resets and goes ahead only once their number is typed.
 */
export function ResetDialog({
  nodes: given,
  launch,
  onClose,
}: {
  /** the nodes to reset; null: every node of the fleet, each can be left out */
  nodes: string[] | null;
  launch: (names: string[], submitLabel: string, start: RunStarter) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const [fleet, setFleet] = useState<string[] | null>(given);
  const [chosen, setChosen] = useState<Set<string>>(new Set(given ?? []));
  const [loadError, setLoadError] = useState<string | null>(null);
  const [typed, setTyped] = useState("");

  useEffect(() => {
    if (given) return;
    listNodes()
      .then((all) => {
        const names = all.map((node) => node.name);
        setFleet(names);
        setChosen(new Set(names));
      })
      .catch((caught) => setLoadError(errorText(caught)));
  }, [given]);

  const names = (fleet ?? []).filter((name) => chosen.has(name));
  const count = names.length;
  const reset = async () => {
    if (count === 0) throw new Error("Choose at least one node to reset.");
    if (!resetConfirmed(typed, count))
      throw new Error(`Type ${count} (the number of nodes to reset) to confirm.`);
    await launch(names, "Reset", (sudoPasswords) =>
      startRun({ action: "reset", nodes: names, sudoPasswords }),
    );
  };
  const toggle = (name: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  return (
    <ActionDialog
      title="Reset nodes"
      submitLabel={`Reset ${count} node${count === 1 ? "" : "s"}`}
      danger
      onSubmit={reset}
      onClose={onClose}
      testId="reset-dialog"
    >
      <p className="text-sm" data-testid="reset-scope">
        On each node: <code className="font-mono">k0s stop</code>,{" "}
        <code className="font-mono">k0s reset</code> (its service, cluster data and workloads are
        gone), then the files the console wrote under /etc/k0s are removed. Backups are kept, and so
        is the k0s binary (<code className="font-mono">/usr/local/bin/k0s</code>): a later apply
        uses it again.
      </p>
      {loadError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not load the inventory: {loadError}
        </p>
      )}
      {fleet === null && !loadError && (
        <p className="text-sm text-slate-500">Loading the inventory…</p>
      )}
      {fleet && given && (
        // a long list of given nodes has nothing focusable: the list itself takes the keyboard
        <ScrollList
          label="Nodes to reset"
          testId="reset-nodes"
          className="max-h-56 rounded-md border border-slate-200 p-2 text-sm font-medium dark:border-slate-700"
        >
          {fleet.map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ScrollList>
      )}
      {fleet && !given && (
        <fieldset
          data-testid="reset-nodes"
          className="max-h-56 overflow-y-auto rounded-md border border-slate-200 p-2 text-sm dark:border-slate-700"
        >
          <legend className="sr-only">Nodes to reset</legend>
          {fleet.map((name) => (
            <label key={name} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={chosen.has(name)}
                onChange={(event) => toggle(name, event.target.checked)}
              />
              <span className="font-medium">{name}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div>
        <label htmlFor={`${id}-confirm`} className={labelClass}>
          Type {count} to reset {count === 1 ? "this node" : `these ${count} nodes`}
        </label>
        <input
          id={`${id}-confirm`}
          inputMode="numeric"
          autoComplete="off"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          className={inputClass}
        />
      </div>
    </ActionDialog>
  );
}
