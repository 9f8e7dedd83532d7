import type { z } from "zod";
import { AppError, type ErrorType } from "@/lib/errors";
import { fieldIssues, fieldPath, joinIssues } from "@/lib/util/field-issues";

export type InventoryErrorCode = "conflict" | "not_found" | "invalid";

export interface InventoryIssue {
  /** dotted path of the offending input, e.g. "bastion.port"; "" for the whole input */
  field: string;
  /** the form's name for it, e.g. "Bastion port" */
  label?: string;
  message: string;
}

/**
 * An inventory operation that was refused. The message names the field and is safe to show:
 * it never contains a secret (zod messages carry no values, and ours only name non-secret ones).
 */
export class InventoryError extends AppError {
  constructor(
    readonly code: InventoryErrorCode,
    message: string,
    readonly issues: InventoryIssue[] = [],
  ) {
    super(`${ERROR_TYPE[code]}:inventory`, message, {
      details: { field: issues[0]?.field ?? null, issues },
    });
    this.name = "InventoryError";
  }
}

const ERROR_TYPE: Record<InventoryErrorCode, ErrorType> = {
  conflict: "conflict",
  not_found: "not_found",
  invalid: "bad_request",
};

export { fieldPath };

/** The node form's name for each field the API checks (what a person reads in a message). */
const NODE_FIELD_LABELS: Record<string, string> = {
  name: "Name",
  address: "Address",
  port: "SSH port",
  user: "SSH user",
  role: "Role",
  registryAddress: "Registry address",
  labels: "Labels",
  "auth.privateKey": "Private key",
  "auth.passphrase": "Key passphrase",
  "auth.password": "Password",
  "sudo.password": "Sudo password",
  "bastion.address": "Bastion address",
  "bastion.port": "Bastion port",
  "bastion.user": "Bastion user",
  expectedFingerprint: "Expected host key fingerprint",
};

/** Each issue by its path (what a form matches), worded for a person, with the field's label. */
export function issuesOf(error: z.ZodError): InventoryIssue[] {
  return fieldIssues(error, (path) => NODE_FIELD_LABELS[fieldPath(path)]);
}

export function describeIssue(issue: InventoryIssue): string {
  return issue.field ? `${issue.field}: ${issue.message}` : issue.message;
}

/** Parses with a zod schema, turning its error into an InventoryError("invalid") that names each field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new InventoryError("invalid", joinIssues(issues), issues);
}

export function notFound(name: string): InventoryError {
  return new InventoryError("not_found", `no node named "${name}"`, [
    { field: "name", message: "not found" },
  ]);
}

/** Runs a write, turning a UNIQUE name constraint into a conflict on "name" with `message`. */
export function writeUniqueName(write: () => unknown, message: string): void {
  try {
    write();
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
      throw new InventoryError("conflict", message, [{ field: "name", message: "already exists" }]);
    }
    throw error;
  }
}
