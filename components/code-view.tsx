import type { ReactNode } from "react";

type Language = "toml" | "yaml" | "sh" | "text";

export function languageOf(path: string): Language {
  if (path.endsWith(".toml")) return "toml";
  if (path.endsWith(".yaml") || path.endsWith(".yml")) return "yaml";
  if (path.endsWith(".sh")) return "sh";
  return "text";
}

/** A read-only code block with light syntax colouring for the file types the console renders. */
export function CodeView({ content, language }: { content: string; language: Language }) {
  const lines = content.replace(/\n$/, "").split("\n");
  return (
    <pre
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must take the keyboard
      tabIndex={0}
      className="overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs leading-5 dark:bg-slate-950"
      data-testid="code-view"
    >
      <code>
        {lines.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a static text
          <div key={index} className="flex">
            <span aria-hidden className="mr-3 w-6 shrink-0 select-none text-right text-slate-400">
              {index + 1}
            </span>
            <span className="whitespace-pre">{highlightLine(line, language)}</span>
          </div>
        ))}
      </code>
    </pre>
  );
}

const KEY_VALUE = {
  toml: /^(\s*)([\w."-]+)(\s*=\s*)(.*)$/,
  yaml: /^(\s*-?\s*)([\w.-]+)(:\s*)(.*)$/,
};

function highlightLine(line: string, language: Language): ReactNode {
  if (language === "text") return line;
  if (/^\s*#/.test(line)) return <span className="tok-comment">{line}</span>;
  if (language === "sh") return line;
  if (language === "toml" && /^\s*\[.*\]\s*$/.test(line))
    return <span className="tok-table">{line}</span>;
  const match = KEY_VALUE[language].exec(line);
  if (!match) return line;
  const [, indent, key, separator, value] = match;
  return (
    <>
      {indent}
      <span className="tok-key">{key}</span>
      {separator}
      {highlightValue(value ?? "")}
    </>
  );
}

function highlightValue(value: string): ReactNode {
  if (/^["'[]/.test(value)) return <span className="tok-string">{value}</span>;
  if (/^(true|false|-?\d[\d._]*)$/.test(value)) return <span className="tok-number">{value}</span>;
  return value;
}
