// The real way into the console, with no test runner import (the console bench uses it too).
import type { Page } from 'playwright-core';

/** The two accounts of the contract (password `demo`), as the local provider knows them. */
export const ACCOUNTS = {
  organiser: { email: 'organisatrice@example.org', password: 'demo', sub: 'organisatrice', name: 'Claire Organisatrice' },
  member: { email: 'membre@example.org', password: 'demo', sub: 'membre', name: 'Marc Membre' },
} as const;
export type AccountName = keyof typeof ACCOUNTS;

/**
 * Opens `path` (default the dashboard), which sends the browser through /console/login to the
 * provider's form; fills it as `account` and submits. Resolves once the browser is back on the
 * console (a page, or the 403 page for the member).
 */
export async function signInThroughProvider(
  page: Page,
  where: { baseUrl: string; provider: { issuer: string } },
  account: AccountName,
  path = '/console/',
): Promise<void> {
  const a = ACCOUNTS[account];
  await page.goto(`${where.baseUrl}${path}`);
  await page.waitForURL((url) => url.href.startsWith(where.provider.issuer));
  await page.getByLabel('Adresse électronique').fill(a.email);
  await page.getByLabel('Mot de passe').fill(a.password);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${where.baseUrl}/console`) && !url.pathname.startsWith('/console/login'), { timeout: 30_000 }),
    page.getByRole('button', { name: 'Se connecter' }).click(),
  ]);
}
