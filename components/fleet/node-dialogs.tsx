"use client";

import { useState } from "react";
import { deleteNode, duplicateNode } from "@/lib/client/fleet-api";
import type { NodePublic } from "@/lib/inventory/types";
import { ActionDialog } from "./action-dialog";
import { TextField } from "./form-field";

/** Copies a node (secrets included, server-side) under a new name and address. */
export function DuplicateDialog({
  node,
  existing,
  onDone,
  onClose,
}: {
  node: NodePublic;
  existing: string[];
  onDone: (copy: NodePublic) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(() => nextName(node.name, existing));
  const [address, setAddress] = useState("");
  return (
    <ActionDialog
      title={`Duplicate ${node.name}`}
      submitLabel="Duplicate"
      onClose={onClose}
      testId="duplicate-dialog"
      onSubmit={async () => {
        if (!address.trim()) throw new Error("address: is required");
        onDone(await duplicateNode(node.name, { name: name.trim(), address: address.trim() }));
      }}
    >
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Same role, login and stored secrets, sudo, bastion and labels.
      </p>
      <TextField
        id="duplicate-name"
        label="New name"
        mono
        value={name}
        error={null}
        onChange={setName}
      />
      <TextField
        id="duplicate-address"
        label="New address"
        mono
        value={address}
        placeholder={node.address}
        error={null}
        onChange={setAddress}
      />
    </ActionDialog>
  );
}

export function RemoveDialog({
  node,
  onDone,
  onClose,
}: {
  node: NodePublic;
  onDone: (name: string) => void;
  onClose: () => void;
}) {
  return (
    <ActionDialog
      title={`Remove ${node.name}?`}
      submitLabel="Remove"
      danger
      onClose={onClose}
      testId="remove-dialog"
      onSubmit={async () => {
        await deleteNode(node.name);
        onDone(node.name);
      }}
    >
      <p className="text-sm">
        {node.name} ({node.user}@{node.address}) leaves the inventory with its stored secrets,
        pinned host key and check results. Nothing on the host itself changes.
      </p>
    </ActionDialog>
  );
}

/** cp-1 → cp-2 (the first free number), web → web-2. */
function nextName(name: string, existing: string[]): string {
  const match = /^(.*?)(\d+)$/.exec(name);
  const stem = match ? match[1] : `${name}-`;
  let n = match ? Number(match[2]) + 1 : 2;
  while (existing.includes(`${stem}${n}`)) n += 1;
  return `${stem}${n}`;
}
