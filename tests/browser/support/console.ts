// Helpers of the browser tests (tests/browser/**): the local runtime with seeded data and a
// browser, a page signed in the quick way (a session cookie sealed with the test key) or the
// real way (through the provider's form), axe-core under the console's CSP, screenshots.
//
//   const stack = await startConsoleStack();                 // beforeAll
//   const { page } = await consolePageAs(stack, 'organiser'); // quick path
//   await page.goto(`${stack.baseUrl}/console/`);
//   await expectNoSeriousA11yViolations(page);
//   await stack.stop();                                      // afterAll
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { consoleCookieName, sealConsoleSession, CONSOLE_SESSION_SECONDS, type ConsoleSession } from '#shared/lambda/console-session.ts';
import { demoMeeting } from '../../../scripts/local/demo-meeting.ts';
import { seedDemoSessions, type DemoSessionsResult } from '../../../scripts/local/demo-sessions.ts';
import { seedDemoSurvey } from '../../../scripts/local/demo-surveys.ts';
import { seedDemoVotes, type DemoVotesResult } from '../../../scripts/local/demo-votes.ts';
import { DEV_DEFAULTS } from '../../../scripts/local/dev-defaults.ts';
import { freePort } from '../../../scripts/local/dynamodb-local.ts';
import { startLocalProvider, type LocalProvider } from '../../../scripts/local/oidc-provider.ts';
import { startTestStack, type TestStack } from '../../support/local-stack.ts';
import { launchChromium } from './chromium.ts';

import { ACCOUNTS, type AccountName } from './sign-in.ts';

export { ACCOUNTS, signInThroughProvider, type AccountName } from './sign-in.ts';
export { screenshot, SCREENSHOT_DIR, shoot, UPDATE_SCREENSHOTS } from './screenshot.ts';

export interface ConsoleStack extends TestStack {
  browser: Browser;
  /** The key the functions open session cookies with. */
  sessionKey: string;
  cookieName: string;
  /** The local OpenID provider (stand-in for authentic2). */
  provider: LocalProvider;
  seeded: { meetingId: string; sessions: DemoSessionsResult; votes: DemoVotesResult | undefined; surveyId: string | undefined };
}

let current: Promise<ConsoleStack> | undefined;

/**
 * The e2e test stack (local gateway, emulators, file-private tables) with the demo data of
 * `npm start` seeded through the admin API, and a headless Chromium. One per test file.
 */
export function startConsoleStack(opts: { env?: Record<string, string> } = {}): Promise<ConsoleStack> {
  current ??= (async () => {
    // The functions read OIDC_ISSUER at import: the provider's port is chosen first, the provider
    // started once the gateway's address (its redirect URI) is known.
    const providerPort = await freePort();
    const stack = await startTestStack({ env: { OIDC_ISSUER: `http://127.0.0.1:${providerPort}`, ...opts.env } });
    const provider = await startLocalProvider({
      port: providerPort,
      clientId: stack.env['OIDC_CLIENT_ID'] ?? DEV_DEFAULTS.OIDC_CLIENT_ID,
      clientSecret: stack.env['OIDC_CLIENT_SECRET'] ?? DEV_DEFAULTS.OIDC_CLIENT_SECRET,
      consoleBaseUrl: stack.baseUrl,
    });
    const now = new Date();
    const meeting = demoMeeting(now);
    const put = await stack.fetchAdmin(`/admin/meetings/${meeting.id}`, { method: 'PUT', json: meeting.body });
    if (!put.ok) throw new Error(`seeding the demo meeting failed: HTTP ${put.status} ${await put.text()}`);
    const sessions = await seedDemoSessions(stack.baseUrl, stack.adminToken, stack.keys);
    const votes = await seedDemoVotes(stack.baseUrl, stack.keys, stack.adminToken, now);
    const survey = await seedDemoSurvey(stack.baseUrl, stack.adminToken, now);
    const browser = await launchChromium();
    const stop = stack.stop.bind(stack);
    return Object.assign(stack, {
      browser,
      sessionKey: stack.env['CONSOLE_SESSION_KEY'] ?? DEV_DEFAULTS.CONSOLE_SESSION_KEY,
      cookieName: consoleCookieName(stack.baseUrl),
      provider,
      seeded: { meetingId: meeting.id, sessions, votes, surveyId: survey.ok ? survey.surveyId : undefined },
      stop: async () => {
        await browser.closeAll();
        await provider.stop();
        await stop();
        current = undefined;
      },
    });
  })();
  return current;
}

/** A session as the callback would make it for `account` (valid 8 h from `now`). */
export function sessionFor(account: AccountName, now = new Date()): ConsoleSession {
  const a = ACCOUNTS[account];
  return { sub: a.sub, name: a.name, email: a.email, organiser: true, exp: Math.floor(now.getTime() / 1000) + CONSOLE_SESSION_SECONDS };
}

/**
 * The quick path for page tests: a browser context holding a session cookie sealed with the
 * test key, as if `account` had signed in (only the organiser ever gets one).
 */
export async function consolePageAs(
  stack: ConsoleStack,
  account: 'organiser',
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await stack.browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: options.viewport ?? { width: 1280, height: 900 } });
  await context.addCookies([
    { name: stack.cookieName, value: sealConsoleSession(sessionFor(account), stack.sessionKey), url: stack.baseUrl, httpOnly: true, sameSite: 'Lax' },
  ]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, errors };
}

/** A fresh browser context (French, Paris) with no cookie: for sign-in tests. */
export async function anonymousContext(stack: ConsoleStack, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  return stack.browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown; failureSummary?: string }>;
}

/**
 * Runs axe-core in the page and expects no violation of impact `serious` or `critical`. The
 * console's CSP forbids inline scripts, so `addScriptTag` (an inline script) would be refused:
 * the source is evaluated through the DevTools protocol instead, which the page's CSP does not
 * govern, and the page's own policy stays untouched (browser tests check it still refuses an
 * inline script).
 */
export async function expectNoSeriousA11yViolations(page: Page, context = ''): Promise<{ violations: AxeViolation[]; passes: number }> {
  const loaded = await page.evaluate(`(() => { ${axeSource}\n; return typeof window.axe === 'object' && typeof window.axe.run === 'function'; })()`);
  expect(loaded, 'axe-core loaded in the page').toBe(true);
  const results = (await page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => ({ violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })), passes: r.passes.length }))`,
  )) as { violations: AxeViolation[]; passes: number };
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `serious or critical accessibility violations ${context}`).toEqual([]);
  return results;
}

