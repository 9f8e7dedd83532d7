/**
 * Labels as one line of text, `key=value;key=value` — the form field, the CSV column and the
 * Ansible variable all use it. Pure and without zod, so the browser can use it too.
 */

/** "k=v;k=v" → record; errors name the bad entry. */
export function parseLabelList(text: string, errors: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of text.split(";")) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const equals = trimmed.indexOf("=");
    if (equals <= 0) {
      errors.push(`labels: "${trimmed}" is not key=value`);
      continue;
    }
    labels[trimmed.slice(0, equals).trim()] = trimmed.slice(equals + 1).trim();
  }
  return labels;
}

export function formatLabelList(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(";");
}
