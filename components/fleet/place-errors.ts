/** Puts the API's per-field messages next to the form field they name, the rest at the top. */

/** The fields the node form shows an error next to. */
const FORM_FIELDS = new Set([
  "name",
  "address",
  "port",
  "user",
  "role",
  "registryAddress",
  "labels",
  "auth",
  "auth.privateKey",
  "auth.passphrase",
  "auth.password",
  "sudo",
  "sudo.password",
  "bastion",
  "bastion.address",
  "bastion.port",
  "bastion.user",
  "bastion.auth",
  "bastion.auth.privateKey",
  "bastion.auth.passphrase",
  "bastion.auth.password",
  "expectedFingerprint",
]);

/** "labels.rack" → "labels", "auth.kind" → "auth", "bastion" → "bastion"; null if none fits. */
function formField(field: string): string | null {
  let candidate = field.replace(/\[\d+\]/g, "");
  while (candidate) {
    if (FORM_FIELDS.has(candidate)) return candidate;
    const dot = candidate.lastIndexOf(".");
    candidate = dot > 0 ? candidate.slice(0, dot) : "";
  }
  return null;
}

export function placeErrors(
  fields: Map<string, string>,
  general: string[],
): { fields: Map<string, string>; general: string[] } {
  const placed = new Map<string, string>();
  const rest = [...general];
  for (const [field, message] of fields) {
    const target = formField(field);
    const detail = target && field !== target ? `${field.slice(target.length + 1)}: ` : "";
    if (target && !placed.has(target)) placed.set(target, `${detail}${message}`);
    else rest.push(`${field}: ${message}`);
  }
  return { fields: placed, general: rest };
}
