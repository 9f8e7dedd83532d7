"use client";

import { useState } from "react";
import type { NodePublic } from "@/lib/inventory/types";
import { ActionDialog } from "./action-dialog";
import { TextField } from "./form-field";

/**
 * Asks the sudo password of the "ask" nodes before a check run or a run. The passwords live in
 * this dialog's state and go into that one request; nothing keeps them afterwards.
 */
export function SudoDialog({
  nodes,
  submitLabel = "Run checks",
  emptyHint = "Left empty: the checks that need root fail on this node.",
  onRun,
  onClose,
}: {
  nodes: NodePublic[];
  submitLabel?: string;
  /** what happens to a node whose password is left empty */
  emptyHint?: string;
  /** may reject: its error is shown in the dialog */
  onRun: (sudoPasswords: Record<string, string>) => void | Promise<void>;
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
      submitLabel={submitLabel}
      onSubmit={submit}
      onClose={onClose}
      testId="sudo-dialog"
    >
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {nodes.length === 1 ? "This node asks" : `${nodes.length} nodes ask`} for the sudo password
        whenever the console works as root there. It is sent with this one request and never stored.
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
          id="sudo-shared"
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
            id={`sudo-${node.name}`}
            label={`sudo password for ${node.user}@${node.name}`}
            type="password"
            value={passwords[node.name] ?? ""}
            error={null}
            hint={emptyHint}
            onChange={(password) =>
              setPasswords((current) => ({ ...current, [node.name]: password }))
            }
          />
        ))
      )}
    </ActionDialog>
  );
}
