/** Line diffs for the plan (pure). Files here are small config files, so a plain LCS table is fine. */

const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

type Op = { kind: " " | "-" | "+"; line: string };

/** A unified diff of two texts (`---`/`+++` headers, `@@` hunks), or "" when they are equal. */
export function unifiedDiff(oldText: string, newText: string, path: string): string {
  if (oldText === newText) return "";
  const oldLines = splitLines(oldText);
  const newLines = splitLines(newText);
  const ops =
    oldLines.length * newLines.length > MAX_CELLS
      ? replaceAll(oldLines, newLines)
      : lcsOps(oldLines, newLines);
  return [`--- ${oldText === "" ? "/dev/null" : `a${path}`}`, `+++ b${path}`, ...hunks(ops)].join(
    "\n",
  );
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function replaceAll(oldLines: string[], newLines: string[]): Op[] {
  return [
    ...oldLines.map((line) => ({ kind: "-" as const, line })),
    ...newLines.map((line) => ({ kind: "+" as const, line })),
  ];
}

function lcsOps(a: string[], b: string[]): Op[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i * width + j] =
        a[i] === b[j]
          ? (table[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i] as string });
      i += 1;
      j += 1;
    } else if (
      j < b.length &&
      (i >= a.length || (table[i * width + j + 1] ?? 0) >= (table[(i + 1) * width + j] ?? 0))
    ) {
      ops.push({ kind: "+", line: b[j] as string });
      j += 1;
    } else {
      ops.push({ kind: "-", line: a[i] as string });
      i += 1;
    }
  }
  return ops;
}

/** Groups changes with CONTEXT lines around them into @@ hunks. */
function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  let index = 0;
  let oldLine = 1;
  let newLine = 1;
  while (index < ops.length) {
    const firstChange = ops.findIndex((op, k) => k >= index && op.kind !== " ");
    if (firstChange === -1) break;
    const start = Math.max(index, firstChange - CONTEXT);
    for (let k = index; k < start; k += 1) {
      oldLine += 1;
      newLine += 1;
    }
    let end = firstChange;
    let quiet = 0;
    while (end < ops.length && quiet <= CONTEXT * 2) {
      quiet = ops[end]?.kind === " " ? quiet + 1 : 0;
      end += 1;
    }
    end = Math.min(ops.length, end - Math.max(0, quiet - CONTEXT));
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.kind !== "+").length;
    const newCount = slice.filter((op) => op.kind !== "-").length;
    out.push(
      `@@ -${oldCount ? oldLine : oldLine - 1},${oldCount} +${newCount ? newLine : newLine - 1},${newCount} @@`,
    );
    for (const op of slice) out.push(`${op.kind}${op.line}`);
    oldLine += oldCount;
    newLine += newCount;
    index = end;
  }
  return out;
}
