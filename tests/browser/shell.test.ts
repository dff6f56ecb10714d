// The console's shell in a real browser, signed in the quick way (a session cookie sealed with
// the test key): the dashboard renders under the contract's CSP with no script error, the
// security and cache headers are those of the contract, and axe-core finds nothing serious.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { consolePageAs, expectNoSeriousA11yViolations, startConsoleStack, type ConsoleStack } from './support/console.ts';

let stack: ConsoleStack;

beforeAll(async () => {
  stack = await startConsoleStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('the console shell', () => {
  it('sends a visitor without a session to sign in, keeping the page asked for', async () => {
    const answer = await fetch(`${stack.baseUrl}/console/`, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('/console/login?return=%2Fconsole%2F');
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('serves the dashboard shell no-store and its assets immutable, with the contract\'s headers', async () => {
    const { context, page, errors } = await consolePageAs(stack, 'organiser');
    const assets: Array<{ url: string; cache: string | undefined; type: string | undefined }> = [];
    page.on('response', (r) => {
      if (r.url().includes('/console/assets/')) assets.push({ url: r.url(), cache: r.headers()['cache-control'], type: r.headers()['content-type'] });
    });
    const response = await page.goto(`${stack.baseUrl}/console/`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['cache-control']).toBe('no-store');
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');

    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    // The demo meeting, read through /admin/meetings with the cookie alone.
    const meetingLink = page.locator(`main a[href="/console/meetings/${stack.seeded.meetingId}"]`);
    await meetingLink.waitFor();
    expect(await meetingLink.textContent()).toBe(demoMeeting(new Date()).body.title);
    expect(await page.locator('header').count()).toBe(1);
    expect(await page.locator('nav').count()).toBeGreaterThan(0);
    expect(await page.locator('main').count()).toBe(1);
    expect(await page.locator('h1').count()).toBe(1);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      expect(a.url).toMatch(/\/console\/assets\/[\w-]+\.[A-Z0-9]+\.(js|css)$/);
      expect(a.cache).toBe('public, max-age=31536000, immutable');
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('passes axe-core under the CSP, which still refuses an inline script', async () => {
    const { context, page } = await consolePageAs(stack, 'organiser');
    await page.goto(`${stack.baseUrl}/console/`);
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    const results = await expectNoSeriousA11yViolations(page, 'on the dashboard');
    expect(results.passes).toBeGreaterThan(10);
    // The way axe was brought in left the page's policy as it was.
    await expect(page.addScriptTag({ content: 'window.__inlineRan = true;' })).rejects.toThrow();
    expect(await page.evaluate('window.__inlineRan === true')).toBe(false);
    await context.close();
  });
});
