"use client";

import type { NodePublic } from "@/lib/inventory/types";
import { DuplicateDialog, RemoveDialog } from "./node-dialogs";
import { NodeFormDialog } from "./node-form-dialog";
import { SudoDialog } from "./sudo-dialog";
import type { useCheckRun } from "./use-check-run";

export type FleetDialog =
  | { kind: "add" }
  | { kind: "edit"; node: NodePublic }
  | { kind: "duplicate"; node: NodePublic }
  | { kind: "remove"; node: NodePublic };

/** The one modal dialog open at a time (plus the sudo prompt a check run may raise). */
export function FleetDialogs({
  dialog,
  nodes,
  checkRun,
  onClose,
  onSaved,
  onRemoved,
}: {
  dialog: FleetDialog | null;
  nodes: NodePublic[];
  checkRun: ReturnType<typeof useCheckRun>;
  onClose: () => void;
  onSaved: (node: NodePublic, replacing?: string) => void;
  onRemoved: (name: string) => void;
}) {
  return (
    <>
      {dialog?.kind === "add" && <NodeFormDialog node={null} onSaved={onSaved} onClose={onClose} />}
      {dialog?.kind === "edit" && (
        <NodeFormDialog
          node={dialog.node}
          onSaved={(node) => onSaved(node, dialog.node.name)}
          onClose={onClose}
        />
      )}
      {dialog?.kind === "duplicate" && (
        <DuplicateDialog
          node={dialog.node}
          existing={nodes.map((node) => node.name)}
          onDone={(copy) => onSaved(copy)}
          onClose={onClose}
        />
      )}
      {dialog?.kind === "remove" && (
        <RemoveDialog node={dialog.node} onDone={onRemoved} onClose={onClose} />
      )}
      {checkRun.asking && (
        <SudoDialog
          nodes={checkRun.asking.nodes}
          onRun={checkRun.runWithPasswords}
          onClose={checkRun.cancelAsking}
        />
      )}
    </>
  );
}
