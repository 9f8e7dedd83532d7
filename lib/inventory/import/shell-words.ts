/**
 * POSIX shell-like word splitting (Python's shlex in posix mode, as Ansible's INI reader uses):
 * quotes group, backslash escapes outside single quotes, and '#' at a word start begins a comment.
 */
export function shellWords(text: string): { words: string[]; error?: string } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    const next = text[index + 1] ?? "";
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === "\\" && /["\\$`]/.test(next)) word += text[++index];
      else word += char;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (char === "#" && !inWord) {
      break;
    } else {
      inWord = true;
      if (char === "'" || char === '"') quote = char;
      else if (char === "\\" && next) word += text[++index];
      else word += char;
    }
  }
  if (quote)
    return { words, error: `a ${quote === "'" ? "single" : "double"} quote is not closed` };
  if (inWord) words.push(word);
  return { words };
}

/** Quotes a word so shellWords reads it back unchanged. */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}
