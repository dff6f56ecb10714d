// Debian's Chromium driven by playwright-core (no browser download): the launch settings of the
// handbook (toolchain.md §4/§7), nothing reaching outside hosts. playwright-core gives each
// launch a fresh temporary profile of its own (it refuses a --user-data-dir argument).
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser & { closeAll: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  return Object.assign(browser, {
    closeAll: async () => {
      await browser.close();
    },
  });
}
