// The audit trail end to end: organiser writes through the local gateway with labelled and
// plain admin tokens, then GET /admin/audit newest first, paged, filtered, as CSV; no personal
// data in any record (the person checked in is named by the registration id only).
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

const MEETING = 'audit-club';
const DAY = '2030-06-07';
const past = new Date(Date.now() - 86_400_000).toISOString();
const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
const BUREAU = 'tok-bureau-e2e';
const PLAIN = 'tok-plain-e2e';

let stack: TestStack;
let registrationId: string;

type Json = Record<string, any>;

async function as(token: string, path: string, method = 'GET', json?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const meeting = {
  title: 'Club du journal',
  venue: 'Villejuif',
  timezone: 'Europe/Paris',
  registration_opens_at: past,
  registration_closes_at: future,
  days: [{ date: DAY, label: 'Vendredi 7 juin', onsite_capacity: 50, waiting_list: false }],
};

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_TOKENS: `bureau:${BUREAU},${PLAIN}` } });
  expect((await as(BUREAU, `/admin/meetings/${MEETING}`, 'PUT', meeting)).status).toBe(201);
  const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
    method: 'POST',
    json: {
      form_uuid: 'audit-form-1',
      email: 'ines.journal@villejuif.fr',
      first_name: 'Inès',
      last_name: 'Journal',
      organisation: 'Ville de Villejuif',
      profile: 'expert',
      onsite_days: [DAY],
      workshops: [],
      evening_event: 'False',
    },
  });
  const answer = (await res.json()) as Json;
  expect(answer['err']).toBe(0);
  registrationId = answer['data'].registration_id as string;
  expect((await as(PLAIN, `/admin/registrations/${registrationId}/check-in`, 'POST', { day: DAY })).status).toBe(200);
  expect((await as(BUREAU, `/admin/meetings/${MEETING}`, 'PUT', { ...meeting, title: 'Club du journal (modifié)' })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('GET /admin/audit', () => {
  it('lists every admin write newest first, with the token’s label (never the token) and the object’s id', async () => {
    const { status, body } = await as(PLAIN, '/admin/audit');
    expect(status).toBe(200);
    expect(body['data'].map((r: Json) => [r['action'], r['target'], r['actor']])).toEqual([
      ['meeting.put', MEETING, { kind: 'token', label: 'bureau' }],
      ['registration.check-in', registrationId, { kind: 'token', label: 'token-2' }],
      ['meeting.put', MEETING, { kind: 'token', label: 'bureau' }],
    ]);
    expect(body['count']).toBe(3);
    expect(body['next']).toBeNull();
    const text = JSON.stringify(body);
    for (const secret of [BUREAU, PLAIN, 'ines', 'Inès', 'Journal', 'villejuif.fr']) expect(text).not.toContain(secret);
  });

  it('records nothing for a refused or invalid write', async () => {
    expect((await as(BUREAU, `/admin/meetings/${MEETING}`, 'PUT', { ...meeting, days: [] })).status).toBe(400);
    expect((await as('wrong', `/admin/meetings/${MEETING}`, 'PUT', meeting)).status).toBe(403);
    const refused = await as(BUREAU, `/admin/registrations/${registrationId}/check-in`, 'POST', { day: '2030-06-08' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((await as(BUREAU, '/admin/audit')).body['count']).toBe(3);
  });

  it('pages with ?limit= and ?after=, filters by ?target= and ?since=', async () => {
    const first = await as(BUREAU, '/admin/audit?limit=2');
    expect(first.body['data']).toHaveLength(2);
    expect(typeof first.body['next']).toBe('string');
    const second = await as(BUREAU, `/admin/audit?limit=2&after=${first.body['next']}`);
    expect(second.body['data'].map((r: Json) => r['action'])).toEqual(['meeting.put']);
    expect(second.body['data'][0]['at'] < first.body['data'][1]['at']).toBe(true);

    const byTarget = await as(BUREAU, `/admin/audit?target=${registrationId}`);
    expect(byTarget.body['data'].map((r: Json) => r['action'])).toEqual(['registration.check-in']);
    // A cursor goes back only to the listing that made it.
    const mixed = await as(BUREAU, `/admin/audit?target=${registrationId}&after=${first.body['next']}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body).toMatchObject({ err_class: 'invalid-request', errors: [{ path: 'after' }] });

    const middle = first.body['data'][1]['at'] as string;
    const since = await as(BUREAU, `/admin/audit?since=${encodeURIComponent(middle)}`);
    expect(since.body['data']).toHaveLength(2);
    expect((await as(BUREAU, '/admin/audit?since=2099-01-01')).body['data']).toEqual([]);
    expect((await as(BUREAU, '/admin/audit?since=2020-01-01')).body['count']).toBe(3);
  });

  it('answers 400 naming the field for a bad ?since=, ?limit= or ?target=', async () => {
    for (const [query, field] of [['since=hier', 'since'], ['since=2026-12-07T10:00:00', 'since'], ['limit=0', 'limit'], ['target=%3Cx%3E', 'target']] as const) {
      const res = await as(BUREAU, `/admin/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body['errors'].map((e: Json) => e['path']), query).toEqual([field]);
      expect(res.body['err_desc'], query).toContain(field);
    }
  });

  it('exports every selected record as CSV (Paris time), with the same filters', async () => {
    const res = await fetch(`${stack.baseUrl}/admin/audit?format=csv&target=${MEETING}`, { headers: { authorization: `Bearer ${BUREAU}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [headers, ...rows] = parse(await res.text(), { bom: true, delimiter: ';' }) as string[][];
    expect(headers).toEqual(['Date', 'Acteur', 'Action', 'Cible', 'Comptes']);
    expect(rows.map((r) => r.slice(1, 4))).toEqual([
      ['jeton:bureau', 'meeting.put', MEETING],
      ['jeton:bureau', 'meeting.put', MEETING],
    ]);
    expect(rows[0]?.[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });
});
