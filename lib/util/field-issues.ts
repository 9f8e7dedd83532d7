/**
 * Zod's issues in words a person reads: each field by its label (the form's name for it, not
 * `registries[7]`), each problem without zod's jargon. Pure.
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** One bad field: `field` its path (what a form matches), `label` its name, `message` what is wrong. */
export interface FieldIssue {
  field: string;
  label: string;
  message: string;
}

/** `registries[7].host`-style path of an issue ("" for the whole input). */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}

/** Every issue, worded, each by `labelOf` its path (else a readable form of the path). */
export function fieldIssues(
  error: z.ZodError,
  labelOf: (path: readonly PropertyKey[]) => string | undefined = () => undefined,
): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    label: labelOf(issue.path) ?? pathLabel(issue.path),
    message: issueWords(issue),
  }));
}

/** "Label: message; Label: message" — all of a form's errors in one sentence. */
export function joinIssues(issues: readonly { label?: string; message: string }[]): string {
  return issues
    .map((issue) => (issue.label ? `${issue.label}: ${issue.message}` : issue.message))
    .join("; ");
}

// zod's own wording starts so; a message a schema wrote itself is kept as it is
const ZOD_DEFAULT = /^(Too (big|small)|Invalid|Unrecognized key)/;

/** What is wrong, in words: zod's default messages reworded, a schema's own kept. */
function issueWords(issue: Issue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "too_big":
      return bound(issue.inclusive ? "at most" : "less than", issue.maximum, issue.origin);
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) return "is required";
      return bound(issue.inclusive ? "at least" : "more than", issue.minimum, issue.origin);
    case "invalid_type":
      if (/received undefined$/.test(issue.message)) return "is required";
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return `must be one of: ${issue.values.map(String).join(", ")}`;
    case "invalid_format":
      return `is not a valid ${issue.format.replaceAll("_", " ")}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length === 1 ? "" : "s"}: ${issue.keys.join(", ")}`;
    case "invalid_union":
      return "is not one of the accepted forms";
    default:
      return issue.message;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
};

function bound(word: string, limit: number | bigint, origin: string): string {
  const value = Number(limit);
  if (origin === "string") return `must be ${word} ${value} character${value === 1 ? "" : "s"}`;
  if (origin === "array" || origin === "set") {
    return `must have ${word} ${value} entr${value === 1 ? "y" : "ies"}`;
  }
  return `must be ${word} ${value}`;
}

/** `["nodes", 2, "registryAddress"]` → "Nodes 3 registry address": no brackets, counted from 1. */
export function pathLabel(path: readonly PropertyKey[]): string {
  const words = path.map((part) =>
    typeof part === "number"
      ? String(part + 1)
      : String(part)
          .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
          .toLowerCase(),
  );
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
