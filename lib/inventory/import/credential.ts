/**
 * An import mapped to one stored credential (pure): every row's node uses it, and the auth, sudo
 * and key files the file names are set aside (the credential is the access).
 */
import type { ImportPreview, ImportRow } from "./types";

export function assignCredential(preview: ImportPreview, credential: string): ImportPreview {
  return { ...preview, rows: preview.rows.map((row) => withCredential(row, credential)) };
}

function withCredential({ keyFiles: _unused, ...row }: ImportRow, credential: string): ImportRow {
  if (!row.node) return row;
  const { sudo: _fileSudo, ...node } = row.node;
  return {
    ...row,
    node: { ...node, auth: null, credential },
    notes: [
      `access from credential ${credential}`,
      ...row.notes.filter((note) => !/upload|SSH password|key file|keyPath/.test(note)),
    ],
  };
}
