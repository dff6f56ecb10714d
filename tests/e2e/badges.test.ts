// The door, end to end through the local gateway: a person registers as w.c.s. does (signed),
// the organiser prints the badge, the QR code is decoded, the badge checks the person in (then
// `already`), a reprint with reissue voids the old badge. The token never appears in an answer,
// a data source, a CSV or a log line (every line the logger prints is captured).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readBadges } from '#tests/support/pdf.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

// The logger takes its level at construction and returns to it at every invocation: every level
// is printed (and captured below) only if the environment says so before any module loads.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
});

let stack: TestStack;
const meetingId = `porte-${randomBytes(3).toString('hex')}`;
const DAY1 = '2026-06-09';
const DAY2 = '2026-06-10';
const printed: string[] = [];

const meeting = {
  title: 'Club à la porte',
  venue: 'Villejuif',
  timezone: 'Europe/Paris',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  days: [
    { date: DAY1, label: 'Mardi 9 juin', onsite_capacity: 60, waiting_list: true },
    { date: DAY2, label: 'Mercredi 10 juin', onsite_capacity: 60, waiting_list: true },
  ],
};

const registration = {
  form_uuid: `${meetingId}-form-1`,
  email: 'claire.martin@villejuif.fr',
  first_name: 'Claire',
  last_name: 'Martin',
  organisation: 'Ville de Villejuif',
  profile: 'expert',
  onsite_days: [DAY1],
  remote_days: [DAY2],
  workshops: [],
  evening_event: 'False',
  badge_name: 'Claire M.',
};

let registrationId: string;
let registrationAnswerText: string;

async function printBadge(query: string): Promise<string> {
  const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/badges.pdf${query}`);
  expect(res.status).toBe(200);
  const [badge] = await readBadges(new Uint8Array(await res.arrayBuffer()), 1);
  expect(badge?.text).toContain('Claire M.');
  const url = badge?.qr as string;
  expect(url).toMatch(new RegExp(`^${stack.baseUrl.replace(/\./g, '\\.')}/console/check-in/[A-Za-z0-9_-]{24}$`));
  return url.slice(`${stack.baseUrl}/console/check-in/`.length);
}

async function checkIn(token: string, json: unknown = {}) {
  const res = await stack.fetchAdmin(`/admin/check-in/${token}`, { method: 'POST', json });
  return { status: res.status, text: '', body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  // Every line printed while this file runs, from the first request on.
  const capture = (chunk: unknown): boolean => {
    printed.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  stack = await startTestStack({ env: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } });
  expect((await stack.fetchAdmin(`/admin/meetings/${meetingId}`, { method: 'PUT', json: meeting })).status).toBe(201);
  const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, { method: 'POST', json: registration });
  registrationAnswerText = await res.text();
  const answer = JSON.parse(registrationAnswerText) as { err: number; data: { registration_id: string } };
  expect(answer.err).toBe(0);
  registrationId = answer.data.registration_id;
});

afterAll(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
});

describe('at the door', () => {
  let first: string;
  let second: string;

  it('checks in by the badge’s QR code, then answers `already` with the first time', async () => {
    first = await printBadge(`?registration=${registrationId}`);
    const one = await checkIn(first, { day: DAY1 });
    expect(one.status).toBe(200);
    expect(one.body['data']).toMatchObject({ registration_id: registrationId, name: 'Claire Martin', organisation: 'Ville de Villejuif', day: DAY1, already: false });
    const again = await checkIn(first, { day: DAY1 });
    expect(again.body['data']).toMatchObject({ already: true, checked_in_at: one.body['data'].checked_in_at });
    // The same record as the check-in by registration id: that route now answers `already` too.
    const byId = await stack.fetchAdmin(`/admin/registrations/${registrationId}/check-in`, { method: 'POST', json: { day: DAY1 } });
    expect(((await byId.json()) as { data: { already_checked_in: boolean; checked_in_at: string } }).data).toMatchObject({
      already_checked_in: true,
      checked_in_at: one.body['data'].checked_in_at,
    });
  });

  it('refuses a day the person is not on site with 409 not-onsite-that-day, unless forced', async () => {
    const refused = await checkIn(first, { day: DAY2 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ err: 1, err_class: 'not-onsite-that-day' });
    expect(JSON.stringify(refused.body)).toContain(DAY1);
    const forced = await checkIn(first, { day: DAY2, force: true });
    expect(forced.status).toBe(200);
    expect(forced.body['data']).toMatchObject({ day: DAY2, already: false });
  });

  it('answers 400 naming `day` for a day outside the meeting, and 404 for an unknown token', async () => {
    const outside = await checkIn(first, { day: '2026-06-11' });
    expect(outside.status).toBe(400);
    expect(JSON.stringify(outside.body)).toContain('"day"');
    // Today (the test's real date) is not a meeting day either: the default day is refused the same way.
    expect((await checkIn(first)).status).toBe(400);
    expect((await checkIn('A'.repeat(24), { day: DAY1 })).status).toBe(404);
    expect((await checkIn('pas-un-jeton', { day: DAY1 })).status).toBe(404);
  });

  it('a reprint with reissue voids the old badge: its token is refused (404), the new one works', async () => {
    second = await printBadge(`?registration=${registrationId}&reissue=true`);
    expect(second).not.toBe(first);
    const old = await checkIn(first, { day: DAY1 });
    expect(old.status).toBe(404);
    expect(old.body).toMatchObject({ err: 1, err_class: 'unknown-checkin-token' });
    expect(JSON.stringify(old.body)).not.toContain(first);
    const fresh = await checkIn(second, { day: DAY1 });
    expect(fresh.body['data']).toMatchObject({ registration_id: registrationId, already: true });
    // A plain reprint keeps the current token.
    expect(await printBadge(`?registration=${registrationId}`)).toBe(second);
  });

  it('counts attendance per day in the meeting view and the CSV ("Présent le …")', async () => {
    const view = (await (await stack.fetchAdmin(`/admin/meetings/${meetingId}`)).json()) as { data: { counts: { attendance: unknown[] } } };
    expect(view.data.counts.attendance).toEqual([
      { date: DAY1, label: 'Mardi 9 juin', checked_in: 1, confirmed_onsite: 1 },
      { date: DAY2, label: 'Mercredi 10 juin', checked_in: 1, confirmed_onsite: 0 },
    ]);
    const csv = await (await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations?format=csv`)).text();
    expect(csv).toContain('Présent le mardi 9 juin;Présent le mercredi 10 juin');
  });

  it('never shows a token in an answer, a data source, a CSV or a log line', async () => {
    const seen: string[] = [registrationAnswerText];
    let third = '';
    {
      // Every route that touches a token, logged at every level: a reissue, check-ins by the
      // current and the voided tokens, a refusal, a reprint.
      third = await printBadge(`?registration=${registrationId}&reissue=true`);
      seen.push(JSON.stringify((await checkIn(third, { day: DAY1 })).body));
      seen.push(JSON.stringify((await checkIn(second, { day: DAY1 })).body));
      seen.push(JSON.stringify((await checkIn(third, { day: DAY2 })).body));
      seen.push(JSON.stringify((await checkIn(third, { day: '2026-06-12' })).body));
      await printBadge('');
      seen.push(await (await stack.fetchSigned(`/registrations/${registrationId}`)).text());
      for (const path of ['', '/days', '/workshops']) seen.push(await (await stack.fetchSigned(`/meetings/${meetingId}${path}`)).text());
      seen.push(await (await stack.fetchAdmin(`/admin/meetings/${meetingId}`)).text());
      seen.push(await (await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations`)).text());
      seen.push(await (await stack.fetchAdmin(`/admin/meetings/${meetingId}/registrations?format=csv`)).text());
      seen.push(await (await stack.fetchAdmin(`/admin/meetings/${meetingId}?format=csv`)).text());
    }
    const logs = printed.join('\n');
    // The capture works: the request lines name the route and the registration, never the token.
    expect(logs).toContain('POST /admin/check-in/{checkinToken}');
    expect(logs).toContain(registrationId);
    for (const token of [first, second, third]) {
      for (const text of seen) expect(text).not.toContain(token);
      expect(logs).not.toContain(token);
    }
  });
});
