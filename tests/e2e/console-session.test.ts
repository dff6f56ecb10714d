// The admin API with the console's session cookie, through the local gateway: a cookie sealed
// with another key, an expired one, a sign-in transaction passed off as a session, and an unsafe
// method without `X-Requested-With: console` are each refused, and nothing changed; the bearer
// token keeps working unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_COOKIE_PLAIN, CONSOLE_SESSION_SECONDS, sealConsoleSession, sealValue, type ConsoleSession } from '#shared/lambda/console-session.ts';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
let registrationId: string;
const meeting = demoMeeting(new Date());
const day = meeting.body.days[0]!.date;

const session = (over: Partial<ConsoleSession> = {}): ConsoleSession => ({
  sub: 'organisatrice',
  name: 'Claire Organisatrice',
  organiser: true,
  exp: Math.floor(Date.now() / 1000) + CONSOLE_SESSION_SECONDS,
  ...over,
});

function withCookie(path: string, cookie: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  return fetch(`${stack.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      cookie: `${CONSOLE_COOKIE_PLAIN}=${cookie}`,
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
}

async function storedState() {
  const m = (await (await stack.fetchAdmin(`/admin/meetings/${meeting.id}`)).json()) as { data: { title: string } };
  const r = (await (await stack.fetchAdmin(`/admin/meetings/${meeting.id}/registrations`)).json()) as {
    data: Array<{ registration_id: string; checked_in: Record<string, string> }>;
  };
  return { title: m.data.title, checkedIn: r.data.find((x) => x.registration_id === registrationId)?.checked_in };
}

beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.fetchAdmin(`/admin/meetings/${meeting.id}`, { method: 'PUT', json: meeting.body })).ok).toBe(true);
  const registered = await stack.fetchSigned(`/meetings/${meeting.id}/registrations`, {
    method: 'POST',
    json: {
      form_uuid: 'console-session-1',
      email: 'personne-console@example.org',
      first_name: 'Camille',
      last_name: 'Exemple',
      organisation: 'Ville de Villejuif',
      onsite_days: [day],
      image_rights: 'accepted',
    },
  });
  const body = (await registered.json()) as { data: { registration_id: string } };
  registrationId = body.data.registration_id;
  expect(registrationId).toBeTruthy();
});

afterAll(async () => {
  await stack?.stop();
});

describe('the admin API with the console session', () => {
  const key = () => stack.env['CONSOLE_SESSION_KEY']!;

  it('reads with a valid cookie, without any header', async () => {
    const answer = await withCookie(`/admin/meetings/${meeting.id}`, sealConsoleSession(session(), key()));
    expect(answer.status).toBe(200);
  });

  it('refuses each forged or stale cookie and an unsafe method without the header, changing nothing', async () => {
    const before = await storedState();
    expect(before.checkedIn).toEqual({});
    const renamed = { ...meeting.body, title: 'Titre changé par un tiers' };
    const attempts: Array<{ what: string; cookie: string; headers: Record<string, string> }> = [
      { what: 'another key', cookie: sealConsoleSession(session(), 'another-console-session-key-000000'), headers: { 'x-requested-with': 'console' } },
      { what: 'expired', cookie: sealConsoleSession(session({ exp: Math.floor(Date.now() / 1000) - 1 }), key()), headers: { 'x-requested-with': 'console' } },
      { what: 'a sign-in transaction as session', cookie: sealValue(session(), key(), 'signin'), headers: { 'x-requested-with': 'console' } },
      { what: 'no X-Requested-With', cookie: sealConsoleSession(session(), key()), headers: {} },
      { what: 'another X-Requested-With', cookie: sealConsoleSession(session(), key()), headers: { 'x-requested-with': 'XMLHttpRequest' } },
    ];
    for (const a of attempts) {
      const put = await withCookie(`/admin/meetings/${meeting.id}`, a.cookie, { method: 'PUT', json: renamed, headers: a.headers });
      expect(put.status, `PUT, ${a.what}`).toBe(403);
      expect(((await put.json()) as { err_class: string }).err_class).toBe('access-denied');
      const checkIn = await withCookie(`/admin/registrations/${registrationId}/check-in`, a.cookie, { method: 'POST', json: { day }, headers: a.headers });
      expect(checkIn.status, `check-in, ${a.what}`).toBe(403);
    }
    expect(await storedState()).toEqual(before);
  });

  it('writes with a valid cookie and the header, and the bearer token still works alone', async () => {
    const checkIn = await withCookie(`/admin/registrations/${registrationId}/check-in`, sealConsoleSession(session(), key()), {
      method: 'POST',
      json: { day },
      headers: { 'x-requested-with': 'console' },
    });
    expect(checkIn.status).toBe(200);
    expect(Object.keys((await storedState()).checkedIn ?? {})).toEqual([day]);
    const put = await stack.fetchAdmin(`/admin/meetings/${meeting.id}`, { method: 'PUT', json: { ...meeting.body, title: 'Titre par script' } });
    expect(put.status).toBe(200);
    expect((await storedState()).title).toBe('Titre par script');
  });
});
