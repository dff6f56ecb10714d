// Online sessions through the local gateway as w.c.s. and organisers call them: the admin
// defines a series, the data source lists its occurrences, a form subscribes (key/value and
// whole-form bodies), unsubscribes, and the one-click link: GET changes nothing, POST does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import formdata from '#tests/fixtures/wcs-registration-formdata.json' with { type: 'json' };
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';
import { seedDemoSessions } from '../../scripts/local/demo-sessions.ts';

let stack: TestStack;

const series = {
  title: 'Sessions en ligne du club',
  timezone: 'Europe/Paris',
  rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
  dtstart: '2027-01-12T14:00',
  until: '2040-12-31',
  duration_minutes: '90',
  visio_url: 'https://visio.example.org/club-publik',
  default_topic: 'Session en ligne du club',
  reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '09:00' }, { minutes_before: 60 }],
};

async function call(method: 'GET' | 'POST', path: string, json?: unknown) {
  const res = await stack.fetchSigned(path, { method, ...(json === undefined ? {} : { json }) });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, any> };
}

async function admin(method: string, path: string, json?: unknown) {
  const res = await stack.fetchAdmin(path, { method, ...(json === undefined ? {} : { json }) });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('online sessions as w.c.s. and organisers use them', () => {
  let unsubscribeUrl = '';

  it('the organiser creates the series (201), replaces it (200), and sees it listed', async () => {
    const created = await admin('PUT', '/admin/session-series/club-en-ligne', series);
    expect(created.status).toBe(201);
    expect(JSON.parse(created.text).data.reminders.map((r: { id: string }) => r.id)).toEqual(['7d-0900', '1d-0900', '60m']);
    expect((await admin('PUT', '/admin/session-series/club-en-ligne', series)).status).toBe(200);
    const list = JSON.parse((await admin('GET', '/admin/session-series')).text);
    expect(list.data[0]).toMatchObject({ id: 'club-en-ligne', subscribers: 0, bounded: true });
    expect(list.data[0].next_occurrences.length).toBeGreaterThan(0);
  });

  it('the data source lists upcoming occurrences with French labels, honours q, id and series', async () => {
    const res = await call('GET', '/sessions?series=club-en-ligne');
    expect(res.status).toBe(200);
    const first = res.body.data[0];
    expect(first).toMatchObject({ series_id: 'club-en-ligne', cancelled: false, topic: 'Session en ligne du club' });
    expect(first.id).toMatch(/^club-en-ligne-\d{4}-\d{2}-\d{2}$/);
    expect(first.text).toMatch(/^[A-Z][a-z]+ \d{1,2}(er)? [a-zéû]+ \d{4}, 14 h 00 – 15 h 30 — Session en ligne du club$/);
    expect(res.body.data.length).toBeGreaterThan(40); // every occurrence of a bounded series
    expect((await call('GET', `/sessions?id=${first.id}`)).body.data).toEqual([first]);
    expect((await call('GET', '/sessions?q=zzz')).body.data).toEqual([]);
  });

  it('a moved and a cancelled occurrence, seen by the data source', async () => {
    const list = (await call('GET', '/sessions')).body.data as { id: string; starts_at: string }[];
    const [a, b] = [list[1]!, list[2]!];
    const moved = await admin('PUT', `/admin/sessions/${a.id}`, { topic: 'Le nouveau portail agent', starts_at: a.starts_at.replace('T14:00', 'T15:00') });
    expect(moved.status).toBe(200);
    expect(JSON.parse(moved.text).data).toMatchObject({ id: a.id, sequence: 1, moved: true, topic: 'Le nouveau portail agent' });
    expect((await admin('PUT', `/admin/sessions/${b.id}`, { cancelled: 'true' })).status).toBe(200);
    expect((await admin('PUT', '/admin/sessions/club-en-ligne-2031-02-30', { cancelled: true })).status).toBe(404);
    expect((await admin('PUT', '/admin/sessions/club-en-ligne-2031-01-01', { cancelled: true })).status).toBe(404);

    const after = (await call('GET', '/sessions')).body.data as Record<string, unknown>[];
    expect(after.find((i) => i['id'] === a.id)).toMatchObject({ text: expect.stringContaining('15 h 00 – 16 h 30 — Le nouveau portail agent') });
    expect(after.find((i) => i['id'] === b.id)).toBeUndefined();
    const all = (await call('GET', '/sessions?include_cancelled=true')).body.data as Record<string, unknown>[];
    expect(all.find((i) => i['id'] === b.id)).toMatchObject({ cancelled: true, disabled: true });
  });

  it('subscribes with key/value POST data (series_id optional with one series); a replay answers the same', async () => {
    const body = { form_uuid: 'e2e-sub-1', email: 'Claire.Martin@Villejuif.fr', first_name: 'Claire', last_name: 'Martin', organisation: 'Ville de Villejuif' };
    const res = await call('POST', '/sessions/subscriptions', body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      err: 0,
      data: { series_id: 'club-en-ligne', status: 'subscribed', already_subscribed: false, replayed: false, next_session: { series_id: 'club-en-ligne' } },
    });
    expect(res.text).not.toContain('display_id');
    unsubscribeUrl = res.body.data.unsubscribe_url;
    expect(unsubscribeUrl).toMatch(new RegExp(`^${stack.env['PUBLIC_BASE_URL']}/u/[A-Za-z0-9_-]{43}$`));
    const replay = await call('POST', '/sessions/subscriptions', body);
    expect(replay.body.data).toMatchObject({ replayed: true, subscription_id: res.body.data.subscription_id, unsubscribe_url: unsubscribeUrl });
  });

  it('subscribes with a whole-form body; the same email again is already_subscribed', async () => {
    const whole = structuredClone(formdata.body) as Record<string, any>;
    whole['uuid'] = 'e2e-sub-whole';
    whole['fields'].email = 'paul.durand@villejuif.fr';
    whole['extra'] = { series_id: 'club-en-ligne' };
    const res = await call('POST', '/sessions/subscriptions', whole);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'subscribed', already_subscribed: false });
    expect(res.text).not.toContain('display_id');
    const again = await call('POST', '/sessions/subscriptions', { form_uuid: 'e2e-sub-2', email: 'Paul.Durand@villejuif.fr', series_id: 'club-en-ligne' });
    expect(again.body.data).toMatchObject({ already_subscribed: true, replayed: false, unsubscribe_url: null });
    expect(again.text).not.toContain(res.body.data.unsubscribe_url);
    const subs = JSON.parse((await admin('GET', '/admin/session-series/club-en-ligne/subscribers')).text);
    expect(subs.counts).toEqual({ active: 2, unsubscribed: 0 });
    expect(JSON.stringify(subs)).not.toContain('token');
    const csv = await stack.fetchAdmin('/admin/session-series/club-en-ligne/subscribers?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM, for Excel
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('Email;Prénom;Nom;Organisation;Statut;Abonné·e le;Désabonné·e le');
    expect(lines[1]).toMatch(/^claire\.martin@villejuif\.fr;Claire;Martin;Ville de Villejuif;Abonné·e;/);
  });

  it('bad input: French 400s naming the field; an unknown series is a refusal', async () => {
    const noEmail = await call('POST', '/sessions/subscriptions', { form_uuid: 'e2e-bad-1', email: 'pas-une-adresse' });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body).toMatchObject({ err: 1, err_class: 'invalid-request', errors: [{ path: 'email' }] });
    const noUuid = await call('POST', '/sessions/subscriptions', { email: 'a@example.org' });
    expect(noUuid.body.errors).toEqual([{ path: 'form_uuid', message: 'Ce champ est obligatoire.' }]);
    const unknown = await call('POST', '/sessions/subscriptions', { form_uuid: 'e2e-bad-2', email: 'a@example.org', series_id: 'inconnue' });
    expect(unknown).toMatchObject({ status: 200, body: { err: 1, err_class: 'unknown-series' } });

    const badSeries = await admin('PUT', '/admin/session-series/autre', { ...series, rrule: 'FREQ=SOUVENT', timezone: 'Mars/Olympus', reminders: [{ at: '09:00' }] });
    expect(badSeries.status).toBe(400);
    const err = JSON.parse(badSeries.text);
    expect(err.errors.map((e: { path: string }) => e.path).sort()).toEqual(['reminders[0]', 'rrule', 'timezone']);
    expect(err.err_desc).toMatch(/Fuseau horaire inconnu/);
    const malformed = await stack.fetchAdmin('/admin/session-series/autre', {
      method: 'PUT',
      body: '{"title": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { err_class: string }).err_class).toBe('invalid-request');
  });

  it('hostile rules (issue 13): a French 400 naming rrule, promptly, and nothing stored', async () => {
    for (const rrule of ['FREQ=DAILY;INTERVAL=-1', 'FREQ=DAILY;INTERVAL=1.5', 'FREQ=DAILY;INTERVAL=abc', 'FREQ=MONTHLY;BYMONTH=13', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30']) {
      const started = Date.now();
      const res = await admin('PUT', '/admin/session-series/hostile', { ...series, rrule });
      expect(Date.now() - started, rrule).toBeLessThan(10_000);
      expect(res.status, rrule).toBe(400);
      const body = JSON.parse(res.text);
      expect(body).toMatchObject({ err: 1, err_class: 'invalid-request', errors: [{ path: 'rrule' }] });
      expect(body.err_desc).toMatch(/rrule/);
    }
    const list = await admin('GET', '/admin/session-series');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('hostile');
  });

  it('unsubscribes by form: was_subscribed true, then false for an unknown email', async () => {
    const out = await call('POST', '/sessions/subscriptions/cancel', { email: 'claire.martin@villejuif.fr', form_uuid: 'e2e-unsub-1' });
    expect(out.body).toMatchObject({ err: 0, data: { series_id: 'club-en-ligne', status: 'unsubscribed', was_subscribed: true } });
    const unknown = await call('POST', '/sessions/subscriptions/cancel', { email: 'personne@example.org' });
    expect(unknown.body.data).toMatchObject({ status: 'unsubscribed', was_subscribed: false });
    // Back again, for the one-click link below.
    const back = await call('POST', '/sessions/subscriptions', { form_uuid: 'e2e-sub-3', email: 'claire.martin@villejuif.fr' });
    expect(back.body.data).toMatchObject({ already_subscribed: false, unsubscribe_url: unsubscribeUrl });
  });

  it('one-click link: GET shows a page and changes nothing; POST unsubscribes, idempotently', async () => {
    const count = async () => JSON.parse((await admin('GET', '/admin/session-series/club-en-ligne/subscribers')).text).counts.active as number;
    const before = await count();
    const page = await fetch(unsubscribeUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('Sessions en ligne du club');
    expect(await count()).toBe(before);

    const oneClick = await fetch(unsubscribeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('Désabonnement enregistré');
    expect(await count()).toBe(before - 1);
    const again = await fetch(unsubscribeUrl, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await count()).toBe(before - 1);
    const multipart = new FormData();
    multipart.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(unsubscribeUrl, { method: 'POST', body: multipart })).status).toBe(200);
  });

  it('an unknown link gets a same-looking 404 page, GET or POST', async () => {
    const url = `${stack.env['PUBLIC_BASE_URL']}/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    for (const method of ['GET', 'POST']) {
      const res = await fetch(url, { method });
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('<!doctype html>');
      expect(html).toContain('Lien inconnu');
      expect(html).not.toContain('Sessions en ligne');
    }
  });
});

describe('the demo series of `npm start`', () => {
  it('seeds through the real routes, and seeding again replays instead of adding people', async () => {
    const first = await seedDemoSessions(stack.baseUrl, stack.adminToken, stack.keys);
    expect(first).toEqual({ seriesId: 'club-en-ligne', ok: true, detail: '' });
    expect(await seedDemoSessions(stack.baseUrl, stack.adminToken, stack.keys)).toMatchObject({ ok: true });
    const list = JSON.parse((await admin('GET', '/admin/session-series')).text);
    const demo = list.data.find((s: { id: string }) => s.id === 'club-en-ligne');
    expect(demo).toMatchObject({ bounded: false, reminders: [{ id: '7d-0900' }, { id: '1d-0900' }, { id: '60m' }] });
    const subs = JSON.parse((await admin('GET', '/admin/session-series/club-en-ligne/subscribers')).text);
    const emails = subs.data.map((s: { email: string }) => s.email);
    expect(emails).toEqual(expect.arrayContaining(['claire.martin@example.org', 'paul.durand@example.org', 'amina.benali@example.org']));
  });
});
