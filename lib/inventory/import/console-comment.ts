/**
 * Console fields k0sctl has no place for (registryAddress, labels) travel in a comment above the
 * host: `# k0rdent-console: {"registryAddress":"…","labels":{…}}`. k0sctl ignores comments.
 */
export const CONSOLE_COMMENT_PREFIX = "k0rdent-console:";

/** Reads the console comment in the comment lines right above 1-based `line`. */
export function readConsoleComment(lines: string[], line: number): Record<string, unknown> {
  for (let index = line - 2; index >= 0; index--) {
    const text = (lines[index] ?? "").trim();
    if (!text.startsWith("#")) break;
    const body = text.slice(1).trim();
    if (!body.startsWith(CONSOLE_COMMENT_PREFIX)) continue;
    try {
      const value = JSON.parse(body.slice(CONSOLE_COMMENT_PREFIX.length)) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const { registryAddress, labels } = value as Record<string, unknown>;
        return { registryAddress, labels };
      }
    } catch {
      // a hand-edited comment that is not JSON is just a comment
    }
  }
  return {};
}
