/** The node form's state → the API's POST or PATCH body, with the errors found before sending (pure). */
import type { NodePatch } from "@/lib/client/fleet-api";
import { parseLabelList } from "@/lib/inventory/label-list";
import type {
  AuthSummary,
  NodeInput,
  NodePublic,
  SshAuthInput,
  SudoInput,
} from "@/lib/inventory/types";
import type { AuthFields, NodeForm, SudoMode } from "./node-form-model";

/** Field errors found before anything is sent, keyed like the API's field paths. */
export type FieldErrors = Map<string, string>;

function port(text: string, field: string, errors: FieldErrors): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (/^\d{1,5}$/.test(trimmed) && Number(trimmed) >= 1 && Number(trimmed) <= 65535)
    return Number(trimmed);
  errors.set(field, "must be a port number, 1-65535");
  return undefined;
}

function labels(text: string, errors: FieldErrors): Record<string, string> {
  const problems: string[] = [];
  const result = parseLabelList(text, problems);
  if (problems[0]) errors.set("labels", problems[0].replace(/^labels: /, ""));
  return result;
}

/**
 * The auth to send, or undefined to keep the stored one. `stored` is what the server has now
 * (null when creating). A new secret or a different kind is sent; nothing else is.
 */
function auth(
  fields: AuthFields,
  stored: AuthSummary | null,
  prefix: string,
  errors: FieldErrors,
): SshAuthInput | undefined {
  // same kind as stored: keep it, even without a secret (an imported node may get its key later)
  const keep = stored !== null && stored.kind === fields.kind;
  if (fields.kind === "agent") return stored?.kind === "agent" ? undefined : { kind: "agent" };
  if (fields.kind === "password") {
    if (fields.password) return { kind: "password", password: fields.password };
    if (!keep) errors.set(`${prefix}.password`, "is required");
    return undefined;
  }
  if (fields.privateKey.trim()) {
    const key = fields.privateKey.endsWith("\n") ? fields.privateKey : `${fields.privateKey}\n`;
    return fields.passphrase
      ? { kind: "key", privateKey: key, passphrase: fields.passphrase }
      : { kind: "key", privateKey: key };
  }
  if (!keep) errors.set(`${prefix}.privateKey`, "is required");
  else if (fields.passphrase)
    errors.set(`${prefix}.passphrase`, "paste the private key again to change its passphrase");
  return undefined;
}

function sudo(form: NodeForm, stored: SudoMode | null, errors: FieldErrors): SudoInput | undefined {
  if (form.sudoMode !== "stored")
    return form.sudoMode === stored ? undefined : { mode: form.sudoMode };
  if (form.sudoPassword) return { mode: "stored", password: form.sudoPassword };
  if (stored !== "stored") errors.set("sudo.password", "is required");
  return undefined;
}

/** The POST body (original = null) or the PATCH body (original = the node being edited). */
export function toRequest(
  form: NodeForm,
  original: NodePublic | null,
): { body: NodeInput | NodePatch; errors: FieldErrors } {
  const errors: FieldErrors = new Map();
  const body: NodePatch = {
    address: form.address.trim(),
    port: port(form.port, "port", errors) ?? 22,
    user: form.user.trim() || "root",
    role: form.role,
    registryAddress: form.registryAddress.trim() || null,
    labels: labels(form.labels, errors),
    expectedFingerprint: form.expectedFingerprint.trim() || null,
  };
  if (!original || form.name.trim() !== original.name) body.name = form.name.trim();
  if (form.credential) {
    if (form.credential !== original?.credential) body.credential = form.credential;
  } else {
    // leaving a credential: what is "stored" was the credential's, so the node's own is needed
    const own = original?.credential ? null : original;
    const nodeAuth = auth(form.auth, own?.auth ?? null, "auth", errors);
    if (nodeAuth) body.auth = nodeAuth;
    const nodeSudo = sudo(form, own?.sudo.mode ?? null, errors);
    if (nodeSudo) body.sudo = nodeSudo;
  }
  if (!form.bastion) {
    if (!original || original.bastion) body.bastion = null;
  } else {
    const bastionAuth = auth(
      form.bastionAuth,
      original?.bastion?.auth ?? null,
      "bastion.auth",
      errors,
    );
    body.bastion = {
      address: form.bastionAddress.trim(),
      port: port(form.bastionPort, "bastion.port", errors) ?? 22,
      user: form.bastionUser.trim() || "root",
      ...(bastionAuth ? { auth: bastionAuth } : {}),
    };
  }
  return { body, errors };
}
