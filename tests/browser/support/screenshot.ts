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
