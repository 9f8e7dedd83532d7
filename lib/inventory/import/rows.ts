import { describeIssue, issuesOf } from "../errors";
import { NodeInputSchema } from "../schema";
import type { DraftRow, ImportRow } from "./types";

/** Validates each draft with the store's own schema and flags names used twice in the file. */
export function finishRows(drafts: DraftRow[]): ImportRow[] {
  const firstLine = new Map<string, number>();
  return drafts.map((draft) => {
    const errors = [...draft.errors];
    if (draft.node === null) {
      return { line: draft.line, node: null, errors, notes: draft.notes };
    }
    const fields = Object.fromEntries(
      Object.entries(draft.node).filter(([, value]) => value !== undefined && value !== null),
    );
    const result = NodeInputSchema.safeParse(fields);
    if (!result.success) {
      // the parser's own message about a field (e.g. an unreadable port) is the clearer one
      const reported = (field: string) => errors.some((error) => error.startsWith(`${field}:`));
      const issues = issuesOf(result.error).filter((issue) => !reported(issue.field));
      errors.push(...issues.map(describeIssue));
    }
    const name = result.success ? result.data.name : fields.name;
    if (typeof name === "string" && name) {
      const earlier = firstLine.get(name);
      if (earlier !== undefined) errors.push(`name: "${name}" is also used on line ${earlier}`);
      else firstLine.set(name, draft.line);
    }
    if (errors.length > 0 || !result.success) {
      return { line: draft.line, node: null, errors, notes: draft.notes };
    }
    const row: ImportRow = {
      line: draft.line,
      node: { ...result.data, auth: result.data.auth ?? null },
      errors,
      notes: draft.notes,
    };
    if (draft.keyFiles?.length) row.keyFiles = draft.keyFiles;
    return row;
  });
}
