// Personal data through the admin API (every answer validated against the OpenAPI document):
// export and erasure of a person registered and subscribed through signed Publik calls, the
// waiting person confirmed for the freed place, erasure again changing nothing; the retention
// report and run; refusals (no token, a wrong token, a bad email or instant).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const MEETING = 'rgpd-2097';
const SERIES = 'rgpd-sessions';
const EMAIL = 'Perrine.Personne@rgpd.example.fr';
const WAITING = 'attente@rgpd.example.fr';

interface Envelope<T> {
  err: number;
  data: T;
  err_class?: string;
  err_desc?: string;
}
async function admin<T>(path: string, init: { method?: string; json?: unknown } = {}, status = 200): Promise<Envelope<T>> {
  const res = await stack.fetchAdmin(path, init);
  expect(res.status).toBe(status);
  return (await res.json()) as Envelope<T>;
}
type Counts = Record<string, number>;

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, {
    method: 'PUT',
    json: {
      title: 'Réunion RGPD',
      venue: 'Paris',
      registration_opens_at: '2026-01-01T00:00:00+01:00',
      registration_closes_at: '2097-01-01T00:00:00+01:00',
      days: [{ date: '2097-06-09', onsite_capacity: 1, waiting_list: true }],
      retention_days: 30,
    },
  });
  expect(put.status).toBe(201);
  for (const [form, email, name] of [
    ['rgpd-1', EMAIL, 'Personne'],
    ['rgpd-2', WAITING, 'Attente'],
  ] as const) {
    const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
      method: 'POST',
      json: { form_uuid: form, email, first_name: 'Perrine', last_name: name, organisation: 'Commune A', phone: '0611223344', onsite_days: ['2097-06-09'] },
    });
    expect(((await res.json()) as Envelope<unknown>).err).toBe(0);
  }
  const series = await stack.fetchAdmin(`/admin/session-series/${SERIES}`, {
    method: 'PUT',
    json: { title: 'Sessions', timezone: 'Europe/Paris', rrule: 'FREQ=MONTHLY', dtstart: '2097-01-08T14:00', count: 2, duration_minutes: 60, visio_url: 'https://visio.example.org/rgpd', default_topic: 'Session', reminders: [] },
  });
  expect(series.status).toBe(201);
  const sub = await stack.fetchSigned('/sessions/subscriptions', { method: 'POST', json: { form_uuid: 'rgpd-sub-1', email: EMAIL, first_name: 'Perrine', series_id: SERIES } });
  expect(((await sub.json()) as Envelope<unknown>).err).toBe(0);
  // The subscription's confirmation email is sent: its delivery line holds the address.
  await stack.consumers['queue-reminders']?.poller.idle(60_000);
  expect(await stack.emails({ to: EMAIL.toLowerCase() })).toHaveLength(1);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe('POST /admin/people/export and /erase', () => {
  it('the export lists the registration and the subscription, with the email in the body only', async () => {
    const out = await admin<{ registrations: Array<Record<string, unknown>>; subscriptions: unknown[]; survey_answers: string }>('/admin/people/export', {
      method: 'POST',
      json: { email: EMAIL },
    });
    expect(out.data.registrations).toEqual([expect.objectContaining({ meeting_id: MEETING, email: EMAIL.toLowerCase(), last_name: 'Personne', phone: '0611223344' })]);
    expect(out.data.subscriptions).toEqual([expect.objectContaining({ series_id: SERIES, status: 'active' })]);
    expect(out.data.survey_answers).toMatch(/sans identité/);
  });

  it('refuses anyone but an organiser, and a bad email with a 400 naming the field', async () => {
    const none = await fetch(`${stack.baseUrl}/admin/people/erase`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, confirm: true }) });
    expect(none.status).toBe(401);
    const wrong = await fetch(`${stack.baseUrl}/admin/people/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
      body: JSON.stringify({ email: EMAIL }),
    });
    expect(wrong.status).toBe(403);
    const signed = await stack.fetchSigned('/admin/people/export', { method: 'POST', json: { email: EMAIL } });
    expect(signed.status).toBe(401);
    const bad = await admin<unknown>('/admin/people/erase', { method: 'POST', json: { email: 'pas-une-adresse', confirm: true, extra: 1 } }, 400);
    expect(bad.err_class).toBe('invalid-request');
    expect(bad.err_desc).toContain('email');
  });

  it('a dry run counts, the erasure cancels (the waiting person is confirmed) and anonymises; again: all 0', async () => {
    const dry = await admin<{ dry_run: boolean; counts: Counts }>('/admin/people/erase', { method: 'POST', json: { email: EMAIL } });
    expect(dry.data).toMatchObject({ dry_run: true, counts: { registrations_cancelled: 1, registrations_anonymised: 1, subscriptions_deleted: 1, deliveries_erased: 1 } });
    expect((await admin<{ registrations: unknown[] }>('/admin/people/export', { method: 'POST', json: { email: EMAIL } })).data.registrations).toHaveLength(1);

    const done = await admin<{ dry_run: boolean; counts: Counts }>('/admin/people/erase', { method: 'POST', json: { email: EMAIL, confirm: true } });
    expect(done.data).toEqual({
      dry_run: false,
      counts: {
        registrations_cancelled: 1,
        registrations_anonymised: 1,
        subscriptions_deleted: 1,
        proposals_erased: 0,
        supports_erased: 0,
        ballots_erased: 0,
        deliveries_erased: 1,
        survey_markers_deleted: 0,
        survey_markers_kept: 0,
      },
    });
    const list = await admin<Array<{ email: string; status: string }>>(`/admin/meetings/${MEETING}/registrations?include_cancelled=true`);
    expect(JSON.stringify(list.data)).not.toContain('perrine.personne');
    expect(JSON.stringify(list.data)).not.toContain('Personne');
    expect(list.data.find((r) => r.email === WAITING)?.status).toBe('confirmed');

    const again = await admin<{ counts: Counts }>('/admin/people/erase', { method: 'POST', json: { email: EMAIL, confirm: true } });
    expect(Object.values(again.data.counts).every((n) => n === 0)).toBe(true);
    const empty = await admin<Record<string, unknown[]>>('/admin/people/export', { method: 'POST', json: { email: EMAIL } });
    expect([empty.data['registrations'], empty.data['subscriptions'], empty.data['deliveries']]).toEqual([[], [], []]);
  });
});

describe('GET /admin/retention and POST /admin/retention/run', () => {
  it('reports per meeting at a given instant, runs now (nothing due yet), refuses a bad instant', async () => {
    // Last day 2097-06-09 + 30 days: due 2097-07-10 00:00 Paris.
    const before = await admin<{ counts: Counts; objects: Array<{ id: string; count: number }> }>('/admin/retention?at=2097-07-09T21:59:59Z');
    expect(before.data.objects.find((o) => o.id === MEETING)).toBeUndefined();
    const due = await admin<{ dry_run: boolean; objects: Array<{ id: string; count: number; due_at: string }> }>('/admin/retention?at=2097-07-09T22:00:00Z');
    expect(due.data.dry_run).toBe(true);
    // The erased registration is already anonymised: only the waiting person's is left.
    expect(due.data.objects.find((o) => o.id === MEETING)).toMatchObject({ count: 1, due_at: '2097-07-09T22:00:00.000Z' });

    const run = await admin<{ dry_run: boolean; complete: boolean; objects: Array<{ id: string }> }>('/admin/retention/run', { method: 'POST' });
    expect(run.data).toMatchObject({ dry_run: false, complete: true });
    expect(run.data.objects.find((o) => o.id === MEETING)).toBeUndefined();

    const bad = await admin<unknown>('/admin/retention?at=demain', {}, 400);
    expect(bad.err_class).toBe('invalid-request');
    expect(bad.err_desc).toContain('at');
  });
});
