import type { ImportRow } from "@/lib/client/fleet-api";

type ImportedNode = NonNullable<ImportRow["node"]>;

/** What the file provides for logging in and sudo: only that a secret is there, never the secret. */
function credentialsOf(node: ImportedNode): string {
  const auth = node.auth;
  const login = !auth
    ? "no key or password yet"
    : auth.kind === "agent"
      ? "SSH agent"
      : `${auth.kind === "key" ? "key" : "password"} provided${auth.hasPassphrase ? " (with passphrase)" : ""}`;
  return node.sudo?.hasPassword ? `${login}; sudo password provided` : login;
}

/** The rows an import would create, invalid ones highlighted with their errors. */
export function ImportPreviewTable({
  format,
  rows,
  notes = [],
}: {
  format: string;
  rows: ImportRow[];
  notes?: string[];
}) {
  const invalid = rows.filter((row) => row.errors.length > 0).length;
  return (
    <div className="mt-3">
      <p className="mb-1 text-sm" aria-live="polite">
        Read as <strong>{format}</strong>: {rows.length} row{rows.length === 1 ? "" : "s"}
        {invalid > 0 && (
          <span className="text-red-700 dark:text-red-400">, {invalid} with errors (skipped)</span>
        )}
        .
      </p>
      {notes.map((note) => (
        <p key={note} className="mb-1 text-xs text-slate-600 dark:text-slate-400">
          {note}
        </p>
      ))}
      <section
        aria-label="Import preview"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a long preview scrolls with the keyboard too
        tabIndex={0}
        className="max-h-96 overflow-auto rounded-md border border-slate-200 focus:outline-none focus:ring-2 focus:ring-blue-600/40 dark:border-slate-800"
      >
        <table className="w-full text-sm" data-testid="import-preview">
          <thead className="sticky top-0 bg-slate-100 text-left text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">
            <tr>
              <th scope="col" className="px-2 py-1 font-medium">
                Line
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Name
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Address
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Role
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Credentials
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Errors and notes
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const bad = row.errors.length > 0;
              return (
                <tr
                  // biome-ignore lint/suspicious/noArrayIndexKey: one YAML line can yield several rows
                  key={`${row.line}-${index}`}
                  data-invalid={bad}
                  className={`border-t border-slate-200 align-top dark:border-slate-800 ${bad ? "bg-red-50 dark:bg-red-950/40" : ""}`}
                >
                  <td className="px-2 py-1 font-mono text-xs">{row.line}</td>
                  <td className="px-2 py-1 font-mono">{row.node?.name ?? "—"}</td>
                  <td className="px-2 py-1 font-mono text-xs">
                    {row.node?.address ?? "—"}
                    {row.node?.port && row.node.port !== 22 ? `:${row.node.port}` : ""}
                  </td>
                  <td className="px-2 py-1">{row.node?.role ?? "—"}</td>
                  <td className="px-2 py-1 text-xs">{row.node ? credentialsOf(row.node) : "—"}</td>
                  <td className="px-2 py-1 text-xs">
                    {row.errors.map((error) => (
                      <p key={error} className="text-red-800 dark:text-red-300">
                        <span aria-hidden>✕ </span>
                        <span className="sr-only">error: </span>
                        {error}
                      </p>
                    ))}
                    {row.notes.map((note) => (
                      <p key={note} className="text-slate-600 dark:text-slate-400">
                        {note}
                      </p>
                    ))}
                    {!bad && row.notes.length === 0 && (
                      <span className="text-emerald-700 dark:text-emerald-400">
                        <span aria-hidden>✓ </span>ok
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
