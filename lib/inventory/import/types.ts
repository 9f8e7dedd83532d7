/** Import preview shapes (pure): what a parser read, row by row, before anything is saved. */
import type { NodeInput, SshAuthInput } from "../types";

export type InventoryFormat = "k0sctl" | "ansible-ini" | "ansible-yaml" | "csv";

/** A node as read from a file; auth null = the file names no usable secret (e.g. a keyPath to upload). */
export type ImportedNode = Omit<NodeInput, "auth"> & { auth: SshAuthInput | null };

/** A key file an inventory names (k0sctl keyPath, ansible_ssh_private_key_file): read server-side, or a note. */
export interface KeyFileRef {
  /** how the file named it, for notes: "keyPath", "bastion keyPath", "ansible_ssh_private_key_file" */
  label: string;
  path: string;
  /** whose key: the node's or its bastion's */
  for: "auth" | "bastion";
}

export interface ImportRow {
  /** 1-based line where the host starts in the file (0 when the format has no lines for it) */
  line: number;
  /** null when the row has errors */
  node: ImportedNode | null;
  errors: string[];
  /** things the user should know or do, e.g. "keyPath ~/.ssh/id_ed25519: upload the key" */
  notes: string[];
  /** key files the row names, still to be read (lib/inventory/import-keys.ts) */
  keyFiles?: KeyFileRef[];
}

export interface ImportPreview {
  format: InventoryFormat;
  rows: ImportRow[];
  /** about the file as a whole, e.g. an ignored column */
  notes: string[];
}

/** A row before validation: fields as read, checked by finishRows. */
export interface DraftRow {
  line: number;
  node: Record<string, unknown> | null;
  errors: string[];
  notes: string[];
  keyFiles?: KeyFileRef[];
}
