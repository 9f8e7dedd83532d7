/** A unified diff: + lines green, - lines red, hunk headers blue; the +/- stays, not colour alone. */
export function DiffView({ diff, id }: { diff: string; id?: string }) {
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <pre
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must take the keyboard
      tabIndex={0}
      id={id}
      data-testid="plan-diff"
      className="overflow-x-auto rounded-md border border-slate-200 bg-slate-50 py-2 font-mono text-xs leading-5 dark:border-slate-800 dark:bg-slate-950"
    >
      <code>
        {lines.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a static text
          <div key={index} className={`px-3 whitespace-pre ${lineClass(line)}`}>
            {line || " "}
          </div>
        ))}
      </code>
    </pre>
  );
}

function lineClass(line: string): string {
  if (line.startsWith("+++") || line.startsWith("---"))
    return "font-semibold text-slate-600 dark:text-slate-400";
  if (line.startsWith("@@"))
    return "bg-blue-50 text-blue-800 dark:bg-blue-950/50 dark:text-blue-300";
  if (line.startsWith("+"))
    return "bg-emerald-50 text-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-300";
  if (line.startsWith("-")) return "bg-red-50 text-red-800 dark:bg-red-950/50 dark:text-red-300";
  return "text-slate-700 dark:text-slate-300";
}
