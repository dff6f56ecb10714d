// Screenshots a person looks at (committed for the docs), with no test runner import.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../../scripts/local/paths.ts';

/** Where screenshots go (looked at by a person; committed for the docs). */
export const SCREENSHOT_DIR = path.join(projectRoot, 'docs', 'images', 'console');

/** A full-page PNG of `page` at `width` CSS pixels wide: docs/images/console/<name>-<width>.png. */
export async function screenshot(page: Page, name: string, width: number): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
  const file = path.join(SCREENSHOT_DIR, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Screenshots are written only when asked (`UPDATE_SCREENSHOTS=1`): a test run leaves the tree as it was. */
export const UPDATE_SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1';

/**
 * With UPDATE_SCREENSHOTS=1, full-page PNGs of `page` at each width (docs/images/console/
 * <name>-<width>.png), then the laptop viewport back; otherwise nothing, the viewport untouched.
 */
export async function shoot(page: Page, name: string, widths: readonly number[] = [390, 1280]): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  for (const width of widths) {
    await page.waitForTimeout(150);
    await screenshot(page, name, width);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
