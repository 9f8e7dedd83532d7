"use client";

import { useState } from "react";
import { ActionDialog } from "@/components/fleet/action-dialog";
import { TextField } from "@/components/fleet/form-field";
import type { NodePublic } from "@/lib/inventory/types";

/**
 * Asks the sudo password of the "ask" nodes before a run and starts it. (The fleet page's
 * SudoDialog says "Run checks": same fields, but this one starts the run in `onRun` and shows the
 * API's error in place.) The passwords live in this dialog's state and go into that one request.
 */
export function RunSudoDialog({
  nodes,
  action,
  onRun,
  onClose,
}: {
  nodes: NodePublic[];
  /** e.g. "Start the plan" */
  action: string;
  onRun: (sudoPasswords: Record<string, string>) => Promise<void>;
  onClose: () => void;
}) {
  const [same, setSame] = useState(nodes.length > 1);
  const [shared, setShared] = useState("");
  const [passwords, setPasswords] = useState<Record<string, string>>({});

  const submit = async () => {
    const typed: Record<string, string> = {};
    for (const node of nodes) {
      const password = same ? shared : (passwords[node.name] ?? "");
      if (password) typed[node.name] = password;
    }
    if (Object.keys(typed).length === 0) throw new Error("Type the sudo password first.");
    await onRun(typed);
  };

  return (
    <ActionDialog
      title="sudo password needed"
      submitLabel={action}
      onSubmit={submit}
      onClose={onClose}
      testId="sudo-dialog"
    >
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {nodes.length === 1 ? "This node asks" : `${nodes.length} nodes ask`} for the sudo password
        at each run. It is sent with this one request, used by this run only and never stored.
      </p>
      {nodes.length > 1 && (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={same}
            onChange={(event) => setSame(event.target.checked)}
          />
          Same password on every node
        </label>
      )}
      {same ? (
        <TextField
          id="run-sudo-shared"
          label={`sudo password for ${nodes.map((node) => node.name).join(", ")}`}
          type="password"
          value={shared}
          error={null}
          onChange={setShared}
        />
      ) : (
        nodes.map((node) => (
          <TextField
            key={node.name}
            id={`run-sudo-${node.name}`}
            label={`sudo password for ${node.user}@${node.name}`}
            type="password"
            value={passwords[node.name] ?? ""}
            error={null}
            hint="Left empty: this node fails at its start and the others go on."
            onChange={(password) =>
              setPasswords((current) => ({ ...current, [node.name]: password }))
            }
          />
        ))
      )}
    </ActionDialog>
  );
}
