/** The credential dialog's state → the API's body, with the errors found before sending (pure). */
import type { CredentialBody } from "@/lib/client/fleet-api";
import type { CredentialPublic } from "@/lib/inventory/types";
import type { AuthFields, SudoMode } from "./node-form-model";
import type { FieldErrors } from "./node-form-request";

export interface CredentialForm {
  name: string;
  auth: AuthFields;
  sudoMode: SudoMode;
  sudoPassword: string;
}

export function emptyCredentialForm(stored: CredentialPublic | null): CredentialForm {
  return {
    name: stored?.name ?? "",
    auth: { kind: stored?.auth.kind ?? "key", privateKey: "", passphrase: "", password: "" },
    sudoMode: stored?.sudo.mode ?? "passwordless",
    sudoPassword: "",
  };
}

/**
 * POST body (stored = null) or PATCH body (a rotation): a new secret must be given for a new
 * credential; on rotation an empty secret of the same kind keeps the stored one.
 */
export function credentialRequest(
  form: CredentialForm,
  stored: CredentialPublic | null,
): { body: CredentialBody; errors: FieldErrors } {
  const errors: FieldErrors = new Map();
  const body: CredentialBody = {};
  if (!stored) body.name = form.name.trim();
  if (!stored && !body.name) errors.set("name", "is required");
  const keep = stored?.auth.kind === form.auth.kind && stored.auth.hasSecret;
  const { kind, privateKey, passphrase, password } = form.auth;
  if (kind === "agent") {
    if (stored?.auth.kind !== "agent") body.auth = { kind };
  } else if (kind === "password") {
    if (password) body.auth = { kind, password };
    else if (!keep) errors.set("auth.password", "is required");
  } else if (privateKey.trim()) {
    const key = privateKey.endsWith("\n") ? privateKey : `${privateKey}\n`;
    body.auth = passphrase ? { kind, privateKey: key, passphrase } : { kind, privateKey: key };
  } else if (!keep) errors.set("auth.privateKey", "is required");
  if (form.sudoMode === "stored") {
    if (form.sudoPassword) body.sudo = { mode: "stored", password: form.sudoPassword };
    else if (stored?.sudo.mode !== "stored") errors.set("sudo.password", "is required");
  } else if (form.sudoMode !== stored?.sudo.mode) body.sudo = { mode: form.sudoMode };
  return { body, errors };
}
