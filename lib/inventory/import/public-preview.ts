/**
 * An import preview as the API returns it (pure): what each row would create, with every secret
 * it carries replaced by the fact that one was provided. The secrets stay server-side: a confirm
 * reads the file again.
 */
import type { AuthSummary, BastionInput, SshAuthInput, SudoInput } from "../types";
import type { ImportedNode, ImportPreview, ImportRow } from "./types";

export interface ImportedNodePublic extends Omit<ImportedNode, "auth" | "sudo" | "bastion"> {
  /** null = the file names no usable secret (e.g. a key file to upload) */
  auth: AuthSummary | null;
  sudo?: { mode: SudoInput["mode"]; hasPassword: boolean };
  bastion?: (Omit<BastionInput, "auth"> & { auth: AuthSummary | null }) | null;
}

export interface ImportRowPublic extends Omit<ImportRow, "node" | "keyFiles"> {
  node: ImportedNodePublic | null;
}

export interface ImportPreviewPublic extends Omit<ImportPreview, "rows"> {
  rows: ImportRowPublic[];
}

export function publicPreview(preview: ImportPreview): ImportPreviewPublic {
  return { ...preview, rows: preview.rows.map(publicRow) };
}

function publicRow({ keyFiles: _read, ...row }: ImportRow): ImportRowPublic {
  if (!row.node) return { ...row, node: null };
  const { auth, sudo, bastion, ...rest } = row.node;
  const node: ImportedNodePublic = { ...rest, auth: authSummary(auth) };
  if (sudo) node.sudo = { mode: sudo.mode, hasPassword: sudo.mode === "stored" };
  if (bastion !== undefined) {
    node.bastion = bastion && { ...bastion, auth: authSummary(bastion.auth ?? null) };
  }
  return { ...row, node };
}

function authSummary(auth: SshAuthInput | null): AuthSummary | null {
  if (!auth) return null;
  return {
    kind: auth.kind,
    hasSecret: auth.kind !== "agent",
    hasPassphrase: auth.kind === "key" && Boolean(auth.passphrase),
  };
}
