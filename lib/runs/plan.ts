import { nodeTargets } from "@/lib/render";
import type { RenderedFile } from "@/lib/render/types";
import { unifiedDiff } from "./diff";
import { normaliseMode } from "./file-commands";

export type FileChange = "create" | "update" | "unchanged";

export interface FilePlan {
  path: string;
  mode: string;
  sha256: string;
  change: FileChange;
  /** what differs besides content, e.g. "mode 0600 → 0644" */
  note: string | null;
  diff: string;
}

export interface CurrentFile {
  exists: boolean;
  mode?: string;
  uid?: number;
  gid?: number;
  sha256?: string;
  content?: string;
}

/** What a run would do to each file, against what the node has now. Pure. */
export function planFiles(files: RenderedFile[], current: Map<string, CurrentFile>): FilePlan[] {
  return nodeTargets(files).map((file) => {
    const now = current.get(file.path);
    if (!now?.exists) {
      return {
        path: file.path,
        mode: file.mode,
        sha256: file.sha256,
        change: "create",
        note: null,
        diff: unifiedDiff("", file.content, file.path),
      };
    }
    const notes = [
      now.mode && normaliseMode(now.mode) !== normaliseMode(file.mode)
        ? `mode ${now.mode} → ${file.mode}`
        : null,
      now.uid !== undefined && (now.uid !== 0 || now.gid !== 0)
        ? `owner ${now.uid}:${now.gid} → root`
        : null,
    ].filter((note): note is string => note !== null);
    const same = now.sha256 === file.sha256 && notes.length === 0;
    return {
      path: file.path,
      mode: file.mode,
      sha256: file.sha256,
      change: same ? "unchanged" : "update",
      note: notes.join(", ") || null,
      diff: same ? "" : unifiedDiff(now.content ?? "", file.content, file.path),
    };
  });
}
