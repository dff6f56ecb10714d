// Registration through the local gateway as w.c.s. calls it: signed, with the key/value and
// whole-form bodies of tests/fixtures, then the waiting list, the promotion with its signed
// callback to the form (checked by a fake w.c.s. that verifies our signature) and the email.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import keyvalue from '#tests/fixtures/wcs-registration-keyvalue.json' with { type: 'json' };
import formdata from '#tests/fixtures/wcs-registration-formdata.json' with { type: 'json' };
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';
import { startTriggerServer, type TriggerServer } from '#tests/support/publik-trigger-server.ts';
import { DEV_DEFAULTS } from '../../scripts/local/dev-defaults.ts';

// We call the fake w.c.s. back on 127.0.0.1: its key, and our own name as it knows us.
const TRIGGER_KEY = 'e2e-trigger-key';
const OUR_ORIG = DEV_DEFAULTS.PUBLIK_ORIG;

let stack: TestStack;
let wcs: TriggerServer;

// Both fixtures come from the same w.c.s. form (same uuid): the whole form goes to another
// meeting as another form, or it would be refused as `form-already-used`.
const wholeForm = structuredClone(formdata.body);
wholeForm.uuid = '0b9a3c52-7e1f-4d6a-8c2b-5f4e3d2c1b0a';
wholeForm.extra.form_uuid = wholeForm.uuid;

const fixtureMeeting = {
  title: '12e Club utilisateurs Publik',
  venue: 'Villejuif',
  timezone: 'Europe/Paris',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  // Days of 2025 still registered for and read after the ticks below: kept ten years by the retention purge.
  retention_days: 3650,
  image_rights_notice: "J'accepte d'être photographié·e ou filmé·e pendant le club.",
  days: [
    { date: '2025-06-07', label: 'Samedi 7 juin', onsite_capacity: 60, waiting_list: true },
    { date: '2025-06-08', label: 'Dimanche 8 juin', onsite_capacity: 60, waiting_list: false },
  ],
  workshops: [
    { id: 'mutualiser-publik', day: '2025-06-07', title: 'Atelier 3 : Mutualiser le service Publik', starts_at: '10:00', ends_at: '12:00', capacity: 25, waiting_list: true },
    { id: 'socle-personnes-morales', day: '2025-06-08', title: 'Atelier 1 : Socle personnes morales', starts_at: '14:00', ends_at: '16:00', capacity: 25, waiting_list: true },
  ],
  evening_event: { date: '2025-06-06', title: 'Soirée de la veille', capacity: 1, waiting_list: true },
};

async function putMeeting(id: string, body: unknown = fixtureMeeting) {
  const res = await stack.fetchAdmin(`/admin/meetings/${id}`, { method: 'PUT', json: body });
  expect([200, 201]).toContain(res.status);
}

async function post(path: string, json?: unknown, sign?: { orig?: string | null }) {
  const res = await stack.fetchSigned(path, { method: 'POST', ...(json === undefined ? {} : { json }), ...(sign ? { sign } : {}) });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, any> };
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  stack = await startTestStack({
    env: { PUBLIK_SIGNATURE_KEYS: JSON.stringify({ ...JSON.parse(DEV_DEFAULTS.PUBLIK_SIGNATURE_KEYS), '127.0.0.1': TRIGGER_KEY }) },
  });
  wcs = await startTriggerServer({ keys: { [OUR_ORIG]: TRIGGER_KEY } });
  await putMeeting('club-kv');
  await putMeeting('club-form');
});

afterAll(async () => {
  await wcs?.stop();
  await stack?.stop();
});

describe('registering as w.c.s. does', () => {
  it('key/value POST data: confirmed, with the contract answer and no display_id', async () => {
    const res = await post('/meetings/club-kv/registrations', keyvalue.body);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('display_id');
    expect(res.body.err).toBe(0);
    const data = res.body.data;
    expect(data).toMatchObject({
      status: 'confirmed',
      in_waiting_list: false,
      replayed: false,
      email: 'claire.martin@villejuif.fr',
      evening_event: { status: 'confirmed', waiting_position: null },
      image_rights: 'accepted',
    });
    expect(data.days).toEqual([
      { date: '2025-06-07', mode: 'onsite', status: 'confirmed', waiting_position: null },
      { date: '2025-06-08', mode: 'onsite', status: 'confirmed', waiting_position: null },
    ]);
    expect(data.workshops.map((w: { id: string; status: string }) => [w.id, w.status])).toEqual([
      ['socle-personnes-morales', 'confirmed'],
      ['mutualiser-publik', 'confirmed'],
    ]);
    expect(data.api.status_url).toBe(`${stack.baseUrl}/registrations/${data.registration_id}`);
    expect(data.api.cancel_url).toBe(`${data.api.status_url}/cancel`);
  });

  it('the same form again, even with lists sent comma-separated, is a replay that books nothing', async () => {
    const again = await post('/meetings/club-kv/registrations', keyvalue.body);
    expect(again.body.data).toMatchObject({ replayed: true, status: 'confirmed' });
    const commaSeparated = await post('/meetings/club-kv/registrations', {
      ...keyvalue.body,
      workshops: 'socle-personnes-morales,mutualiser-publik',
      onsite_days: '2025-06-07, 2025-06-08',
    });
    expect(commaSeparated.body.data).toMatchObject({ replayed: true, registration_id: again.body.data.registration_id });
    const meeting = (await (await stack.fetchSigned('/meetings/club-kv')).json()) as Record<string, any>;
    expect(meeting.data.days[0].places.reserved).toBe(1);
    expect(meeting.data.evening_event.places.reserved).toBe(1);
  });

  it('the same form sent to another meeting is refused', async () => {
    const res = await post('/meetings/club-form/registrations', keyvalue.body);
    expect(res.body).toMatchObject({ err: 1, err_class: 'form-already-used' });
  });

  it('another form for the same email is refused (HTTP 200, err 1) without any id or link of that registration', async () => {
    const first = await post('/meetings/club-kv/registrations', keyvalue.body);
    const res = await post('/meetings/club-kv/registrations', { ...keyvalue.body, form_uuid: 'another-form', email: 'claire.martin@VILLEJUIF.fr' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ err: 1, err_class: 'already-registered', err_desc: expect.stringMatching(/déjà inscrite/) });
    expect(res.text).not.toContain(first.body.data.registration_id);
    expect(res.text).not.toContain('calendar.ics');
  });

  it('calls back only the host that signed: another host is a 400 naming callback_url, with nothing written', async () => {
    const body = { ...keyvalue.body, form_uuid: 'cb-form', email: 'cb@example.org', callback_url: 'https://autre-collectivite.example.net/x/jump/trigger/promu' };
    const res = await post('/meetings/club-kv/registrations', body);
    expect(res.status).toBe(400);
    expect(res.body.err_class).toBe('invalid-request');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['callback_url']);
    // Nothing written: the same form on the signing host's own URL registers normally.
    const own = await post('/meetings/club-kv/registrations', { ...body, callback_url: `https://${stack.keys.orig}/x/jump/trigger/promu` });
    expect(own.body).toMatchObject({ err: 0, data: { replayed: false } });
    // Signed with the default key (no orig): no callback_url at all, not even on a host we hold
    // a key for (issue 13); the same call without callback_url registers.
    const unsigned = await post('/meetings/club-kv/registrations', { ...body, form_uuid: 'cb-form-2', email: 'cb2@example.org' }, { orig: null });
    expect(unsigned.status).toBe(400);
    for (const host of [stack.keys.orig, ...Object.keys(stack.keys.signatureKeys)]) {
      const known = await post(
        '/meetings/club-kv/registrations',
        { ...body, form_uuid: 'cb-form-2', email: 'cb2@example.org', callback_url: `https://${host}/x/jump/trigger/promu` },
        { orig: null },
      );
      expect(known.status, host).toBe(400);
      expect(known.body).toMatchObject({ err_class: 'invalid-request', errors: [{ path: 'callback_url', message: expect.stringMatching(/sans « orig »/) }] });
    }
    const { callback_url: _dropped, ...withoutCallback } = body;
    const plain = await post('/meetings/club-kv/registrations', { ...withoutCallback, form_uuid: 'cb-form-2', email: 'cb2@example.org' }, { orig: null });
    expect(plain.body).toMatchObject({ err: 0, data: { replayed: false } });
  });

  it('a whole form (post_formdata) is read through fields, x_raw and extra', async () => {
    const res = await post('/meetings/club-form/registrations', wholeForm);
    expect(res.body.err).toBe(0);
    expect(res.body.data).toMatchObject({ status: 'confirmed', email: 'claire.martin@villejuif.fr', image_rights: 'accepted' });
    expect(res.body.data.workshops.map((w: { id: string }) => w.id)).toEqual(['socle-personnes-morales', 'mutualiser-publik']);
    const status = (await (await stack.fetchSigned(`/registrations/${res.body.data.registration_id}`)).json()) as Record<string, any>;
    expect(status.data.registration_id).toBe(res.body.data.registration_id);
  });

  it('names every missing field at once: the email and the image-rights answer in one 400, nothing written', async () => {
    const { email: _email, image_rights: _consent, ...incomplete } = keyvalue.body as Record<string, unknown>;
    const res = await post('/meetings/club-kv/registrations', { ...incomplete, form_uuid: 'all-at-once' });
    expect(res.status).toBe(400);
    expect(res.body.err_class).toBe('invalid-request');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'image_rights']);
    expect(res.body.err_desc).toMatch(/^Données invalides : email : .*image_rights : Réponse requise : accepted ou refused/);
    // A valid body without the consent still names it (the meeting's rule, decided by the use case).
    const noConsent = await post('/meetings/club-kv/registrations', { ...incomplete, form_uuid: 'all-at-once', email: 'once@example.org' });
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.errors.map((e: { path: string }) => e.path)).toEqual(['image_rights']);
    // A modification reads the meeting through the registration: the same two fields.
    const done = await post('/meetings/club-kv/registrations', { ...incomplete, form_uuid: 'all-at-once', email: 'once@example.org', image_rights: 'refused' });
    expect(done.body).toMatchObject({ err: 0, data: { replayed: false, image_rights: 'refused' } });
    const change = await post(`/registrations/${done.body.data.registration_id}`, { ...incomplete, form_uuid: 'all-at-once', remote_days: '' });
    expect(change.status).toBe(400);
    expect(change.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'image_rights']);
  });

  it('bad input is a 400 naming the fields, and a business refusal names its class', async () => {
    const bad = await post('/meetings/club-kv/registrations', { form_uuid: 'x', email: 'pas-une-adresse', evening_event: 'peut-être' });
    expect(bad.status).toBe(400);
    expect(bad.body.err_class).toBe('invalid-request');
    // The meeting's own rules (a day, the image-rights answer) come in the same answer.
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'email',
      'evening_event',
      'image_rights',
      'last_name',
      'onsite_days',
      'organisation',
    ]);
    const overlap = await post('/meetings/club-kv/registrations', {
      ...keyvalue.body,
      form_uuid: 'remote-form',
      email: 'someone@example.org',
      onsite_days: [],
      remote_days: ['2025-06-08'],
      workshops: ['socle-personnes-morales'],
    });
    expect(overlap.body).toMatchObject({ err: 1, err_class: 'workshop-requires-onsite' });
    expect(overlap.body.err_desc).toContain('le dimanche 8 juin');
  });
});

describe('waiting list, promotion and callback', () => {
  it('a cancellation promotes the first person waiting, who gets an email and whose form is called back', async () => {
    const base = { ...keyvalue.body, onsite_days: ['2025-06-07'], workshops: [], evening_event: true };
    // No callback for this one (the fixture's callback host is not reachable from here).
    const first = await post('/meetings/club-form/registrations', { ...base, form_uuid: 'p-first', email: 'premiere@example.org', callback_url: null });
    expect(first.body.data.evening_event).toMatchObject({ status: 'waiting', waiting_position: 1 });
    const callbackPath = '/inscription-club/35/jump/trigger/promu';
    // The form that gives a callback URL is served by the host that signs the call.
    const second = await post(
      '/meetings/club-form/registrations',
      { ...base, form_uuid: 'p-second', email: 'seconde@example.org', first_name: 'Inès', callback_url: `${wcs.url}${callbackPath}` },
      { orig: '127.0.0.1' },
    );
    expect(second.body.data).toMatchObject({ status: 'partial', in_waiting_list: true, evening_event: { status: 'waiting', waiting_position: 2 } });

    // The whole-form registration holding the only evening place cancels.
    const holder = (await (await stack.fetchSigned('/meetings/club-form')).json()) as Record<string, any>;
    expect(holder.data.evening_event.places).toMatchObject({ reserved: 1, waiting_list_reserved: 2 });
    const formReg = await post('/meetings/club-form/registrations', wholeForm);
    const cancelled = await post(`/registrations/${formReg.body.data.registration_id}/cancel`);
    expect(cancelled.body.data.status).toBe('cancelled');

    const promoted = (await (await stack.fetchSigned(`/registrations/${first.body.data.registration_id}`)).json()) as Record<string, any>;
    expect(promoted.data.evening_event).toMatchObject({ status: 'confirmed', waiting_position: null });
    const stillWaiting = (await (await stack.fetchSigned(`/registrations/${second.body.data.registration_id}`)).json()) as Record<string, any>;
    expect(stillWaiting.data.evening_event).toMatchObject({ status: 'waiting', waiting_position: 1 });

    // The first person cancels too: the second is promoted, notified by email and called back.
    await post(`/registrations/${first.body.data.registration_id}/cancel`);
    const call = await eventually(async () => wcs.accepted(callbackPath)[0]);
    expect(call.signature).toMatchObject({ orig: OUR_ORIG });
    // And checked without our own verifier: HMAC-SHA256 over the bytes before `&signature=`.
    const cut = call.rawQuery.lastIndexOf('&signature=');
    const expected = createHmac('sha256', TRIGGER_KEY).update(call.rawQuery.slice(0, cut), 'utf8').digest('base64');
    expect(decodeURIComponent(call.rawQuery.slice(cut + '&signature='.length))).toBe(expected);
    expect(call.rawQuery).toMatch(/(^|&)orig=127\.0\.0\.1&algo=sha256&timestamp=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\dZ&nonce=[0-9a-f]+&signature=/);
    expect(call.body).toMatchObject({
      event: 'registration.promoted',
      registration_id: second.body.data.registration_id,
      meeting_id: 'club-form',
      item: { key: 'evening', kind: 'evening' },
      registration: { status: 'confirmed', evening_event: { status: 'confirmed' } },
    });
    const mails = await eventually(async () => {
      const found = await stack.emails({ to: 'seconde@example.org' });
      return found.length > 0 ? found : undefined;
    });
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/place s’est libérée/);
    expect(mails[0]?.body.text).toContain('Inès');
    expect(wcs.calls.filter((c) => c.path === callbackPath)).toHaveLength(1);

    // Nothing is left half done for the maintenance sweep.
    const [run] = await stack.tick(new Date(Date.now() + 120_000));
    expect(run?.result).toMatchObject({ promoted: 0, requeued: 0 });
  });

  it('the personal calendar link works with its token only', async () => {
    const res = await post('/meetings/club-kv/registrations', keyvalue.body);
    const ics = await fetch(res.body.data.api.ics_url);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = await ics.text();
    expect(text).toContain('BEGIN:VCALENDAR');
    expect(text.match(/BEGIN:VEVENT/g)?.length).toBeGreaterThanOrEqual(2);
    const forged = await fetch(res.body.data.api.ics_url.replace(/token=[a-z2-7]+/, 'token=abcdef'));
    expect(forged.status).toBe(404);
  });
});
