import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

export const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

/**
 * The page as it is now, at a desktop's and a phone's size: nothing overflows sideways, and
 * screenshots in the light and dark schemes when E2E_SCREENSHOTS names a folder (to look at them).
 * Ends at the desktop size.
 */
export async function lookAt(page: Page, where: string): Promise<void> {
  const folder = process.env.E2E_SCREENSHOTS;
  for (const size of SIZES) {
    await page.setViewportSize(size);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `${where} at ${size.width}px overflows sideways by ${overflow}px`);
    if (!folder) continue;
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await saveScreenshot(page, `${where}-${size.width}-${colorScheme}`);
    }
    await page.emulateMedia({ colorScheme: null });
  }
  await page.setViewportSize(SIZES[0]);
}

/** A screenshot of the page as it is, into E2E_SCREENSHOTS when that names a folder. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.E2E_SCREENSHOTS;
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: path.join(folder, `${name.replace(/\W+/g, "-")}.png`) });
}
