/**
 * A strict JSON parser that remembers the 1-based line where every value starts, so entries in
 * index.json / manifest.json can be reported by line. (JSON.parse keeps no positions, and the
 * YAML parser rejects tab-indented JSON.)
 */
import type { Steps } from "./steps";

export type JsonNode =
  | { kind: "object"; line: number; members: Map<string, JsonNode> }
  | { kind: "array"; line: number; items: JsonNode[] }
  | { kind: "string"; line: number; value: string }
  | { kind: "number"; line: number; value: number }
  | { kind: "boolean"; line: number; value: boolean }
  | { kind: "null"; line: number };

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} at line ${line}`);
  }
}

const maxDepth = 256;
const numberRegexp = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** JSON with the line of every value, yielding after each member or item of an object or array. */
export function* parseJsonSteps(text: string): Steps<JsonNode> {
  let pos = 0;
  let line = 1;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, line);
  };

  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x0a) line++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return;
      pos++;
    }
  };

  const parseString = (): string => {
    const start = pos; // at the opening quote
    pos++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) fail("unterminated string");
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        escaped = true;
        pos += 2;
        continue;
      }
      pos++;
      if (c === 0x22) break;
    }
    const raw = text.slice(start, pos);
    if (!escaped) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail("invalid escape in string");
    }
  };

  const parseValue = function* (depth: number): Steps<JsonNode> {
    if (depth > maxDepth) fail("nesting too deep");
    skipWhitespace();
    const at = line;
    const c = text[pos];
    if (c === "{") {
      pos++;
      const members = new Map<string, JsonNode>();
      skipWhitespace();
      if (text[pos] === "}") {
        pos++;
        return { kind: "object", line: at, members };
      }
      for (;;) {
        skipWhitespace();
        if (text[pos] !== '"') fail("expected a member name");
        const key = parseString();
        skipWhitespace();
        if (text[pos] !== ":") fail("expected ':'");
        pos++;
        members.set(key, yield* parseValue(depth + 1));
        yield;
        skipWhitespace();
        if (text[pos] === ",") pos++;
        else if (text[pos] === "}") {
          pos++;
          return { kind: "object", line: at, members };
        } else fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      pos++;
      const items: JsonNode[] = [];
      skipWhitespace();
      if (text[pos] === "]") {
        pos++;
        return { kind: "array", line: at, items };
      }
      for (;;) {
        items.push(yield* parseValue(depth + 1));
        yield;
        skipWhitespace();
        if (text[pos] === ",") pos++;
        else if (text[pos] === "]") {
          pos++;
          return { kind: "array", line: at, items };
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { kind: "string", line: at, value: parseString() };
    if (text.startsWith("true", pos)) {
      pos += 4;
      return { kind: "boolean", line: at, value: true };
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return { kind: "boolean", line: at, value: false };
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return { kind: "null", line: at };
    }
    numberRegexp.lastIndex = pos;
    const number = numberRegexp.exec(text);
    if (number === null)
      return fail(c === undefined ? "unexpected end of JSON" : "unexpected character");
    pos = numberRegexp.lastIndex;
    return { kind: "number", line: at, value: Number(number[0]) };
  };

  const root = yield* parseValue(0);
  skipWhitespace();
  if (pos < text.length) fail("unexpected data after the JSON value");
  return root;
}

/** The member `key` of an object node, if the node is an object. */
export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.kind === "object" ? node.members.get(key) : undefined;
}
