/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export interface CsvRecord {
  /** 1-based line where the record starts */
  line: number;
  fields: string[];
  error?: string;
}

export function readCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const state = { text, at: 0, line: 1 };
  while (state.at < text.length) {
    const line = state.line;
    const { fields, error } = readRecord(state);
    const blank = fields.length === 1 && fields[0]?.trim() === "" && !error;
    if (!blank) records.push(error ? { line, fields, error } : { line, fields });
  }
  return records;
}

interface Cursor {
  text: string;
  at: number;
  line: number;
}

function readRecord(cursor: Cursor): { fields: string[]; error?: string } {
  const fields: string[] = [];
  let error: string | undefined;
  for (;;) {
    const field = cursor.text[cursor.at] === '"' ? readQuoted(cursor) : readBare(cursor);
    fields.push(field.value);
    error ??= field.error;
    if (field.error && cursor.at < cursor.text.length) skipToLineEnd(cursor);
    if (cursor.text[cursor.at] !== ",") break;
    cursor.at++;
  }
  if (cursor.text[cursor.at] === "\r") cursor.at++;
  if (cursor.text[cursor.at] === "\n") {
    cursor.at++;
    cursor.line++;
  }
  return error ? { fields, error } : { fields };
}

function readQuoted(cursor: Cursor): { value: string; error?: string } {
  const { text } = cursor;
  let value = "";
  cursor.at++; // opening quote
  for (;;) {
    if (cursor.at >= text.length) return { value, error: "a quoted field is not closed" };
    const char = text[cursor.at] as string;
    if (char === '"') {
      if (text[cursor.at + 1] !== '"') break;
      value += '"';
      cursor.at += 2;
      continue;
    }
    if (char === "\n") cursor.line++;
    value += char;
    cursor.at++;
  }
  cursor.at++; // closing quote
  if (cursor.at < text.length && !atFieldEnd(text, cursor.at)) {
    return { value, error: 'text after a closing quote (write a quote inside quotes as "")' };
  }
  return { value };
}

function readBare(cursor: Cursor): { value: string; error?: string } {
  const { text } = cursor;
  const start = cursor.at;
  while (cursor.at < text.length && !atFieldEnd(text, cursor.at)) cursor.at++;
  const value = text.slice(start, cursor.at);
  if (value.includes('"')) {
    return {
      value,
      error: "a quote inside an unquoted field (quote the field and double the quote)",
    };
  }
  return { value };
}

/** ",", "\n" or "\r\n" end a bare field; a lone "\r" is data. */
function atFieldEnd(text: string, at: number): boolean {
  const char = text[at];
  return char === "," || char === "\n" || (char === "\r" && text[at + 1] === "\n");
}

function skipToLineEnd(cursor: Cursor): void {
  while (cursor.at < cursor.text.length && cursor.text[cursor.at] !== "\n") cursor.at++;
}

/** Quotes a field when RFC 4180 requires it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}
