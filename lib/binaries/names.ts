/** How stored binaries are named (pure): by sha256; the uploaded file name is only a label. */

const SHA256 = /^[0-9a-f]{64}$/;

export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

const MAX_NAME = 100;

/**
 * The uploaded file's name as a label: its last path segment, only letters, digits and `._+-`
 * (anything else becomes `_`), at most 100 characters; "k0s" when nothing is left.
 */
export function sanitizeUploadName(name: string | null | undefined): string {
  const base = (name ?? "").split(/[/\\]/).pop() ?? "";
  const clean = base
    .replace(/[^0-9A-Za-z._+-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, MAX_NAME);
  return clean.replace(/_+$/, "") || "k0s";
}
