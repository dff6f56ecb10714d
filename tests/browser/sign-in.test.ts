// Signing in with the Publik account, for real: the browser goes through /console/login to the
// local OpenID provider's form (the stand-in for authentic2), back through /console/callback.
// The organiser lands on the dashboard with a session; the member gets the French 403 page, no
// session, and no data from /admin with whatever cookies the browser holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  anonymousContext,
  expectNoSeriousA11yViolations,
  signInThroughProvider,
  startConsoleStack,
  type ConsoleStack,
} from './support/console.ts';

let stack: ConsoleStack;

beforeAll(async () => {
  stack = await startConsoleStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('signing in through the provider', () => {
  it('shows the provider\'s form (email, password, one button) and it passes axe', async () => {
    const context = await anonymousContext(stack);
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/console/`);
    await page.waitForURL((url) => url.href.startsWith(stack.provider.issuer));
    expect(await page.getByRole('textbox', { name: 'Adresse électronique' }).count()).toBe(1);
    expect(await page.getByLabel('Mot de passe').count()).toBe(1);
    expect(await page.getByRole('button').count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'on the sign-in form');
    await context.close();
  });

  it('brings the organiser back to the page asked for, signed in with a session cookie', async () => {
    const context = await anonymousContext(stack);
    const page = await context.newPage();
    await signInThroughProvider(page, stack, 'organiser', '/console/');
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    await page.getByText(ACCOUNTS.organiser.name).waitFor();
    const cookies = await context.cookies(stack.baseUrl);
    const session = cookies.find((c) => c.name === stack.cookieName);
    expect(session).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe('Lax');
    expect(session!.path).toBe('/');
    // About 8 hours from now.
    expect(session!.expires * 1000 - Date.now()).toBeGreaterThan(7.9 * 3600 * 1000);
    expect(session!.expires * 1000 - Date.now()).toBeLessThanOrEqual(8 * 3600 * 1000 + 5000);
    // The sign-in transaction cookie is gone.
    expect(cookies.map((c) => c.name)).not.toContain('club_signin');
    const who = await page.request.get(`${stack.baseUrl}/console/session`);
    expect(await who.json()).toEqual({ err: 0, data: { sub: ACCOUNTS.organiser.sub, name: ACCOUNTS.organiser.name, organiser: true } });
    // The admin API answers with the cookie alone.
    const meetings = await page.request.get(`${stack.baseUrl}/admin/meetings`);
    expect(meetings.status()).toBe(200);
    await context.close();
  });

  it('gives the member the French 403 page, no session, and no data from /admin', async () => {
    const context = await anonymousContext(stack);
    const page = await context.newPage();
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${stack.baseUrl}/console/callback`)) statuses.push(r.status());
    });
    await signInThroughProvider(page, stack, 'member', '/console/');
    await page.getByRole('heading', { level: 1, name: 'Accès réservé aux organisateurs du club' }).waitFor();
    expect(statuses).toEqual([403]);
    expect(page.url()).toContain('/console/callback');
    expect((await context.cookies(stack.baseUrl)).map((c) => c.name)).not.toContain(stack.cookieName);
    await expectNoSeriousA11yViolations(page, 'on the 403 page');
    for (const path of ['/admin/meetings', `/admin/meetings/${stack.seeded.meetingId}/registrations`]) {
      const answer = await page.request.get(`${stack.baseUrl}${path}`);
      expect(answer.status(), path).toBe(401);
    }
    const shell = await page.request.get(`${stack.baseUrl}/console/`, { maxRedirects: 0 });
    expect(shell.status()).toBe(302);
    await context.close();
  });

  it('ends the session on logout and sends the browser to the provider\'s end-session page', async () => {
    const context = await anonymousContext(stack);
    const page = await context.newPage();
    await signInThroughProvider(page, stack, 'organiser', '/console/');
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    await Promise.all([page.waitForURL((url) => url.href.startsWith(stack.provider.issuer)), page.getByRole('button', { name: 'Se déconnecter' }).click()]);
    expect((await context.cookies(stack.baseUrl)).map((c) => c.name)).not.toContain(stack.cookieName);
    expect((await page.request.get(`${stack.baseUrl}/admin/meetings`)).status()).toBe(401);
    await context.close();
  });
});
