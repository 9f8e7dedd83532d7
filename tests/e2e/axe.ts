import assert from "node:assert/strict";
import { source as axeSource } from "axe-core";
import type { Page } from "playwright-core";

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page as it is now, in the light and the dark colour scheme, and fails on
 * any serious or critical violation, naming the rule and its first elements. Evaluated through
 * the DevTools protocol, so the page's Content-Security-Policy does not have to allow it.
 */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  await page.evaluate(axeSource);
  const found: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const v of await axeViolations(page)) {
      if (v.impact !== "serious" && v.impact !== "critical") continue;
      const targets = v.nodes.slice(0, 3).map((node) => node.target.join(" "));
      found.push(`${colorScheme}: ${v.impact} ${v.id}: ${v.help} — ${targets.join(", ")}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  assert.deepEqual(found, [], `accessibility violations on ${where}`);
}

function axeViolations(page: Page): Promise<AxeViolation[]> {
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<unknown> } }).axe;
    const result = (await axe.run()) as { violations: AxeViolation[] };
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target }) => ({ target })),
    }));
  });
}
