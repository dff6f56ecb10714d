// The console's session cookie (shared/lambda/console-session.ts) and the admin routes accepting
// it beside the bearer token (shared/lambda/http.ts): another key, an expired or altered cookie,
// an unsafe method without `X-Requested-With: console` are each refused before the handler runs.
import { describe, expect, it } from 'vitest';
import { httpApi, json, route, type AdminActor, type HttpResponse } from '#shared/lambda/http.ts';
import {
  CONSOLE_COOKIE_PLAIN,
  CONSOLE_COOKIE_SECURE,
  consoleCookieName,
  openConsoleSession,
  sealConsoleSession,
  sealValue,
  type ConsoleSession,
} from '#shared/lambda/console-session.ts';
import { httpEvent, lambdaContext } from './http-event.ts';

const KEY = 'test-console-session-key-0123456789';
const now = new Date('2026-03-09T08:00:00Z');
const session = (over: Partial<ConsoleSession> = {}): ConsoleSession => ({
  sub: 'sub-42',
  name: 'Claire Organisatrice',
  email: 'organisatrice@example.org',
  organiser: true,
  exp: Math.floor(now.getTime() / 1000) + 3600,
  ...over,
});

describe('sealConsoleSession / openConsoleSession', () => {
  it('opens what it sealed, and the sealed value shows nothing of the session', () => {
    const sealed = sealConsoleSession(session(), KEY);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('organisatrice');
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('sub-42');
    expect(openConsoleSession(sealed, KEY, now)).toEqual(session());
  });

  it('refuses another key, an expired session, an altered byte, a non-organiser and a sign-in transaction', () => {
    const sealed = sealConsoleSession(session(), KEY);
    expect(openConsoleSession(sealed, 'another-key-of-the-same-length-00000', now)).toBeUndefined();
    expect(openConsoleSession(sealConsoleSession(session({ exp: Math.floor(now.getTime() / 1000) }), KEY), KEY, now)).toBeUndefined();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[20] = raw[20]! ^ 1;
    expect(openConsoleSession(`v1.${raw.toString('base64url')}`, KEY, now)).toBeUndefined();
    expect(openConsoleSession(sealValue({ ...session(), organiser: false }, KEY, 'session'), KEY, now)).toBeUndefined();
    expect(openConsoleSession(sealValue(session(), KEY, 'signin'), KEY, now)).toBeUndefined();
    expect(openConsoleSession('v1.garbage', KEY, now)).toBeUndefined();
    expect(openConsoleSession('', KEY, now)).toBeUndefined();
  });

  it('names the cookie __Host- over HTTPS only', () => {
    expect(consoleCookieName('https://club.example.org')).toBe(CONSOLE_COOKIE_SECURE);
    expect(consoleCookieName('http://127.0.0.1:3000')).toBe(CONSOLE_COOKIE_PLAIN);
  });
});

describe('admin routes with the console session', () => {
  const seen: Array<AdminActor | undefined> = [];
  const api = httpApi(
    [
      route({ method: 'GET', path: '/admin/things', auth: 'admin', handle: ({ actor }) => (seen.push(actor), json({ err: 0, data: [] })) }),
      route({ method: 'POST', path: '/admin/things', auth: 'admin', handle: ({ actor }) => (seen.push(actor), json({ err: 0, data: {} })) }),
    ],
    { secrets: async () => ({ signatureKeys: {}, defaultSignatureKey: undefined, adminTokens: ['tok-1', 'tok-2'], consoleSessionKey: KEY }), clock: () => now },
  );
  const call = async (method: string, headers: Record<string, string>, cookie?: string) => {
    seen.length = 0;
    const event = httpEvent({ method, path: '/admin/things', headers, ...(method === 'POST' ? { body: {} } : {}) });
    if (cookie !== undefined) event.cookies = [`other=1`, `${CONSOLE_COOKIE_PLAIN}=${cookie}`];
    const res = (await api(event, lambdaContext)) as HttpResponse;
    return { status: res.statusCode, body: JSON.parse(String(res.body)) as Record<string, unknown>, ran: seen.length > 0, actor: seen[0] };
  };
  const good = () => sealConsoleSession(session(), KEY);

  it('accepts a valid cookie on a read, with the organiser as actor', async () => {
    const res = await call('GET', {}, good());
    expect(res.status).toBe(200);
    expect(res.actor).toEqual({ kind: 'console', sub: 'sub-42' });
  });

  it('accepts the __Host- cookie too', async () => {
    const event = httpEvent({ method: 'GET', path: '/admin/things' });
    event.cookies = [`${CONSOLE_COOKIE_SECURE}=${good()}`];
    const res = (await api(event, lambdaContext)) as HttpResponse;
    expect(res.statusCode).toBe(200);
  });

  it('refuses a POST with the cookie but without X-Requested-With: console (403, handler not run)', async () => {
    const without = await call('POST', {}, good());
    expect(without.status).toBe(403);
    expect(without.body['err_class']).toBe('access-denied');
    expect(without.ran).toBe(false);
    const wrong = await call('POST', { 'x-requested-with': 'XMLHttpRequest' }, good());
    expect(wrong.status).toBe(403);
    expect(wrong.ran).toBe(false);
    const right = await call('POST', { 'x-requested-with': 'console' }, good());
    expect(right.status).toBe(200);
    expect(right.actor).toEqual({ kind: 'console', sub: 'sub-42' });
  });

  it('refuses a cookie sealed with another key, an expired one and an altered one (403, handler not run)', async () => {
    for (const cookie of [
      sealConsoleSession(session(), 'another-key-of-the-same-length-00000'),
      sealConsoleSession(session({ exp: Math.floor(now.getTime() / 1000) - 1 }), KEY),
      good().slice(0, -2) + 'AA',
    ]) {
      const res = await call('GET', {}, cookie);
      expect(res.status).toBe(403);
      expect(res.ran).toBe(false);
    }
  });

  it('answers 401 with neither a token nor a cookie, and lets the bearer decide alone when sent', async () => {
    expect((await call('GET', {})).status).toBe(401);
    const token = await call('POST', { authorization: 'Bearer tok-2' });
    expect(token.status).toBe(200);
    expect(token.actor).toEqual({ kind: 'token', label: 'token-2' });
    // A wrong token is not rescued by a valid cookie.
    expect((await call('GET', { authorization: 'Bearer nope' }, good())).status).toBe(403);
  });

  it('accepts no cookie at all where the function has no session key', async () => {
    const keyless = httpApi([route({ method: 'GET', path: '/admin/things', auth: 'admin', handle: () => json({ err: 0, data: [] }) })], {
      secrets: async () => ({ signatureKeys: {}, defaultSignatureKey: undefined, adminTokens: ['tok-1'] }),
      clock: () => now,
    });
    const event = httpEvent({ method: 'GET', path: '/admin/things' });
    event.cookies = [`${CONSOLE_COOKIE_PLAIN}=${good()}`];
    expect(((await keyless(event, lambdaContext)) as HttpResponse).statusCode).toBe(403);
  });
});
