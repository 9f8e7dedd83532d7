/**
 * Fills an import preview's key files from the keys folder: a row whose file names a keyPath gets
 * that key (stored encrypted like any key when the import is confirmed) and a note saying which
 * file of the folder it came from, never the key itself.
 */
import { keyNotInFolder, keyPathCandidates, keysFolderUnset } from "./import/key-path";
import type { ImportedNode, ImportPreview, ImportRow, KeyFileRef } from "./import/types";
import { type KeysFolder, readKeyFile } from "./key-folder";
import { PrivateKeySchema } from "./schema";

type KeyOutcome = { privateKey: string; relativePath: string } | { problem: string };

export function readImportKeys(preview: ImportPreview, folder: KeysFolder | null): ImportPreview {
  const cache = new Map<string, KeyOutcome>();
  const outcomeOf = (ref: KeyFileRef) => {
    // one read per file and label, however many rows name it
    const id = `${ref.label}\0${ref.path}`;
    const known = cache.get(id) ?? readOne(ref, folder);
    cache.set(id, known);
    return known;
  };
  return { ...preview, rows: preview.rows.map((row) => withKeys(row, outcomeOf)) };
}

function withKeys(row: ImportRow, outcomeOf: (ref: KeyFileRef) => KeyOutcome): ImportRow {
  const { keyFiles, ...rest } = row;
  if (!keyFiles || !row.node) return rest;
  const notes = [...row.notes];
  let node: ImportedNode = row.node;
  for (const ref of keyFiles) {
    const outcome = outcomeOf(ref);
    if ("problem" in outcome) {
      notes.push(outcome.problem);
      continue;
    }
    notes.push(
      `${ref.for === "bastion" ? "bastion key" : "key"} read from ${outcome.relativePath}`,
    );
    node = withKey(node, ref.for, outcome.privateKey);
  }
  return { ...rest, node, notes };
}

function withKey(node: ImportedNode, whose: KeyFileRef["for"], privateKey: string): ImportedNode {
  const auth = { kind: "key" as const, privateKey };
  if (whose === "auth") return node.auth ? node : { ...node, auth };
  if (!node.bastion || node.bastion.auth) return node;
  return { ...node, bastion: { ...node.bastion, auth } };
}

function readOne(ref: KeyFileRef, folder: KeysFolder | null): KeyOutcome {
  if (!folder) return { problem: keysFolderUnset(ref.label, ref.path) };
  const file = readKeyFile(folder, keyPathCandidates(ref.path));
  if (!file) return { problem: keyNotInFolder(ref.label, ref.path) };
  if (!PrivateKeySchema.safeParse(file.text).success) {
    return {
      problem: `${ref.label} ${ref.path}: ${file.relativePath} in the keys folder is not a private key`,
    };
  }
  return { privateKey: file.text, relativePath: file.relativePath };
}
