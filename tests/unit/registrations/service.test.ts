import { StaleReadError } from '#shared/domain/conflicts.ts';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RefusalError, ServiceBusyError } from '#shared/errors.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';

import { RegistrationService, requestHash, type RetryPolicy } from '#shared/domain/registrations/service.ts';
import type { MeetingHintOptions } from '#shared/domain/registrations/meeting-hints.ts';
import {
  BASE_URL,
  FakeMeetingRepository,
  FakePublisher,
  FakeRegistrationRepository,
  NOW,
  buildMeeting,
  request,
  smallMeeting,
} from '#tests/unit/registrations/fakes.ts';

// smallMeeting(): 7 June 2 places on site with a waiting list (remote: 2 places); 8 June 1
// place without waiting list; on 7 June the workshops chrono (14–16, 1 place, waiting list)
// and wcs (10–12, 1 place, no waiting list); the evening: 1 place with a waiting list.
const D1 = 'day:2025-06-07';
const QUICK: RetryPolicy = { maxAttempts: 25, baseDelayMs: 1, maxDelayMs: 2 };

function setup(opts: { meeting?: Meeting; retry?: RetryPolicy; hints?: MeetingHintOptions } = {}) {
  const meetings = new FakeMeetingRepository();
  const meeting = meetings.add(opts.meeting ?? smallMeeting());
  const store = new FakeRegistrationRepository(meetings);
  const publisher = new FakePublisher();
  const sleeps: number[] = [];
  const service = new RegistrationService({
    meetings,
    store,
    publisher,
    baseUrl: BASE_URL,
    retry: opts.retry ?? QUICK,
    ...(opts.hints ? { hints: opts.hints } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const counts = (key: string) => meetings.item(meeting.id, key);
  const register = (n: number, overrides: Record<string, unknown> = {}) => service.register(meeting.id, person(n, overrides), NOW);
  return { meetings, meeting, store, publisher, service, sleeps, counts, register };
}

/** Person n, with their own form and email. */
function person(n: number, overrides: Record<string, unknown> = {}) {
  return request({ form_uuid: `form-${n}`, email: `p${n}@example.org`, first_name: `Prénom${n}`, last_name: `Nom${n}`, ...overrides });
}

describe('register', () => {
  it('confirms a first registration and answers the contract data', async () => {
    const { register, counts, store, meeting } = setup();
    const { answer, registration } = await register(1, { email: ' P1@Example.ORG ', evening_event: 'oui', workshops: 'chrono' });
    expect(answer).toMatchObject({
      registration_id: registration.id,
      status: 'confirmed',
      in_waiting_list: false,
      days: [{ date: '2025-06-07', mode: 'onsite', status: 'confirmed', waiting_position: null }],
      workshops: [{ id: 'chrono', title: 'Atelier Chrono', status: 'confirmed', waiting_position: null }],
      evening_event: { status: 'confirmed' },
      replayed: false,
      api: { status_url: `${BASE_URL}/registrations/${registration.id}`, cancel_url: `${BASE_URL}/registrations/${registration.id}/cancel` },
    });
    expect(registration.id).toMatch(/^r[a-z0-9]{20,40}$/);
    expect(registration.email).toBe('p1@example.org');
    expect(registration.image_rights).toEqual({ answer: 'accepted', notice_version: 1, answered_at: NOW.toISOString() });
    expect(counts(D1)).toMatchObject({ confirmed: 1, waiting: 0 });
    expect(counts('workshop:chrono')).toMatchObject({ confirmed: 1 });
    expect(counts('evening')).toMatchObject({ confirmed: 1 });
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('puts people beyond capacity on the waiting list with consecutive positions', async () => {
    const { register, counts, store, meeting } = setup();
    await register(1);
    await register(2);
    const third = await register(3);
    const fourth = await register(4);
    expect(third.answer).toMatchObject({ status: 'waiting', in_waiting_list: true, days: [{ status: 'waiting', waiting_position: 1 }] });
    expect(fourth.answer.days[0]?.waiting_position).toBe(2);
    expect(counts(D1)).toMatchObject({ confirmed: 2, waiting: 2 });
    expect(store.queue(meeting.id, D1)).toEqual([third.registration.id, fourth.registration.id]);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('refuses a full day without waiting list and books nothing at all', async () => {
    const { register, store } = setup();
    await register(1, { onsite_days: ['2025-06-08'] });
    const before = store.snapshot();
    await expect(register(2, { onsite_days: ['2025-06-07', '2025-06-08'], evening_event: true })).rejects.toMatchObject({
      code: 'day-full',
      statusCode: 200,
      message: expect.stringContaining('rien n’a été réservé'),
    });
    await expect(register(2, { onsite_days: ['2025-06-07', '2025-06-08'] })).rejects.toBeInstanceOf(RefusalError);
    expect(store.snapshot()).toEqual(before);
  });

  it('answers a copy of the same form with the same data as a replay, booking nothing twice', async () => {
    const { register, store, counts, service, meeting } = setup();
    const first = await register(1, { workshops: ['chrono'] });
    const commits = store.commits;
    const again = await service.register(meeting.id, person(1, { workshops: 'chrono', email: 'P1@EXAMPLE.ORG' }), NOW);
    expect(again.answer).toEqual({ ...first.answer, replayed: true });
    expect(store.commits).toBe(commits);
    expect(counts(D1)).toMatchObject({ confirmed: 1 });
    expect(counts('workshop:chrono')).toMatchObject({ confirmed: 1 });
    expect(store.registrations.size).toBe(1);
  });

  it('answers a replay after the window has closed (idempotent), but refuses a new registration then', async () => {
    const { register, service, meeting } = setup();
    await register(1);
    const late = new Date('2025-06-06T08:00:00Z');
    await expect(service.register(meeting.id, person(1), late)).resolves.toMatchObject({ answer: { replayed: true } });
    await expect(service.register(meeting.id, person(2), late)).rejects.toMatchObject({
      code: 'registration-closed',
      message: 'Les inscriptions à cette réunion sont closes.',
    });
  });

  it('makes concurrent copies of one form a single registration', async () => {
    const { service, store, counts, meeting } = setup();
    const answers = await Promise.all(Array.from({ length: 8 }, () => service.register(meeting.id, person(1), NOW)));
    expect(new Set(answers.map((a) => a.answer.registration_id)).size).toBe(1);
    expect(answers.filter((a) => !a.answer.replayed)).toHaveLength(1);
    expect(store.registrations.size).toBe(1);
    expect(counts(D1)).toMatchObject({ confirmed: 1, waiting: 0 });
  });

  it('never oversells under concurrent registrations: capacity confirmed, the rest waiting in distinct consecutive positions', async () => {
    const { service, store, counts, meeting } = setup();
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => service.register(meeting.id, person(i + 1), NOW)));
    expect(outcomes.filter((o) => o.answer.status === 'confirmed')).toHaveLength(2);
    const positions = outcomes.map((o) => o.answer.days[0]?.waiting_position).filter((p) => p !== null);
    expect(positions).toHaveLength(10);
    const now = await Promise.all(outcomes.map((o) => service.getRegistration(o.registration.id)));
    expect(now.map((o) => o.answer.days[0]?.waiting_position).filter((p) => p !== null).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(counts(D1)).toMatchObject({ confirmed: 2, waiting: 10 });
    expect(store.count('create')).toBeGreaterThan(12); // the copies did conflict and plan again
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('plans again when the counters changed before the write (the last place taken meanwhile)', async () => {
    // No remembered meeting: every registration reads first, then writes.
    const { register, store, sleeps, meeting } = setup({ hints: { maxMeetings: 0, ttlMs: 0 } });
    await register(1);
    store.before('create', async () => {
      await register(3);
    });
    const second = await register(2);
    expect(second.answer).toMatchObject({ status: 'waiting', days: [{ waiting_position: 1 }] });
    expect(sleeps).toHaveLength(1);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('a write decided on the remembered meeting and refused (the last place taken meanwhile) decides again from a fresh read', async () => {
    const { register, store, sleeps, meeting } = setup();
    await register(1);
    store.before('create', async () => {
      await register(3);
    });
    const second = await register(2);
    expect(second.answer).toMatchObject({ status: 'waiting', days: [{ waiting_position: 1 }] });
    // Refused on the hint: read at once, no backoff (nobody else was contending on fresh counters).
    expect(sleeps).toHaveLength(0);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('refuses another form for an email already registered, revealing nothing of that registration', async () => {
    const { register, store } = setup();
    const first = await register(1);
    const before = store.snapshot();
    const error = await register(2, { email: 'P1@example.org' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RefusalError);
    expect(error).toMatchObject({
      code: 'already-registered',
      message:
        'L’adresse p1@example.org est déjà inscrite à cette réunion : modifiez l’inscription existante depuis la demande qui l’a créée.',
    });
    // No id, no link, no calendar token of the other person's registration.
    expect((error as RefusalError).details).toBeUndefined();
    const said = JSON.stringify({ message: (error as Error).message, details: (error as RefusalError).details });
    expect(said).not.toContain(first.registration.id);
    expect(said).not.toContain(first.registration.access_token);
    expect(store.snapshot()).toEqual(before);
  });

  it('refuses a form already used for another meeting', async () => {
    const { register, meetings, service } = setup();
    await register(1);
    meetings.add(buildMeeting({}, 'club-13'));
    await expect(service.register('club-13', person(1), NOW)).rejects.toMatchObject({ code: 'form-already-used' });
  });

  it('answers 404 for an unknown meeting or registration', async () => {
    const { service } = setup();
    await expect(service.register('nope', person(1), NOW)).rejects.toMatchObject({ code: 'unknown-meeting', statusCode: 404 });
    await expect(service.getRegistration('rzzzzzzzzzzzzzzzzzzzzzzzzzz')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.cancel('rzzzzzzzzzzzzzzzzzzzzzzzzzz', NOW)).rejects.toMatchObject({ code: 'unknown-registration', statusCode: 404 });
    await expect(service.modify('rzzzzzzzzzzzzzzzzzzzzzzzzzz', person(1), NOW)).rejects.toMatchObject({ code: 'unknown-registration' });
  });
});

describe('modification (the same form with changed data)', () => {
  it('gives the released place to the first person waiting, and notifies them', async () => {
    const { register, service, store, publisher, counts, meeting } = setup();
    const p1 = await register(1);
    await register(2);
    const p3 = await register(3);
    const p4 = await register(4);
    const changed = await register(1, { onsite_days: [], remote_days: ['2025-06-07'] });
    expect(changed.answer).toMatchObject({
      registration_id: p1.registration.id,
      replayed: false,
      status: 'confirmed',
      days: [{ date: '2025-06-07', mode: 'remote', status: 'confirmed' }],
    });
    expect((await service.getRegistration(p3.registration.id)).answer).toMatchObject({ status: 'confirmed', days: [{ status: 'confirmed' }] });
    expect((await service.getRegistration(p4.registration.id)).answer.days[0]).toMatchObject({ status: 'waiting', waiting_position: 1 });
    expect(publisher.published).toEqual([
      expect.objectContaining({ type: 'registration.promoted', meeting_id: meeting.id, registration_id: p3.registration.id, item_key: D1, dropped_workshops: [] }),
    ]);
    expect(store.outbox.size).toBe(0);
    expect(counts(D1)).toMatchObject({ confirmed: 2, waiting: 1 });
    expect(counts('remote:2025-06-07')).toMatchObject({ confirmed: 1 });
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('keeps the waiting positions of unchanged items', async () => {
    const { register, service, store, meeting } = setup();
    await register(1);
    await register(2);
    const p3 = await register(3);
    const p4 = await register(4);
    const ticket = p3.registration.items.find((h) => h.key === D1)?.ticket;
    const changed = await register(3, { phone: '01 02 03 04 05', onsite_days: ['2025-06-07'], remote_days: ['2025-06-08'] });
    expect(changed.answer.replayed).toBe(false);
    expect(changed.answer.days[0]).toMatchObject({ date: '2025-06-07', status: 'waiting', waiting_position: 1 });
    expect(changed.registration.items.find((h) => h.key === D1)?.ticket).toBe(ticket);
    expect(changed.registration.phone).toBe('01 02 03 04 05');
    expect((await service.getRegistration(p4.registration.id)).answer.days[0]?.waiting_position).toBe(2);
    expect(store.queue(meeting.id, D1)).toEqual([p3.registration.id, p4.registration.id]);
  });

  it('moves the people behind up when someone leaves a waiting list, and promotes nobody', async () => {
    const { register, service, store, publisher, meeting } = setup();
    await register(1);
    await register(2);
    await register(3);
    const p4 = await register(4);
    await register(3, { onsite_days: [], remote_days: ['2025-06-07'] });
    expect((await service.getRegistration(p4.registration.id)).answer.days[0]?.waiting_position).toBe(1);
    expect(publisher.published).toEqual([]);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('changes through POST /registrations/{id} too, staying bound to the form that created it', async () => {
    const { register, service, store } = setup();
    const p1 = await register(1);
    const modified = await service.modify(p1.registration.id, person(1, { form_uuid: 'some-other-form', evening_event: true }), NOW);
    expect(modified.registration.form_uuid).toBe('form-1');
    expect(modified.answer.evening_event).toEqual({ status: 'confirmed', waiting_position: null });
    expect(store.forms.has('some-other-form')).toBe(false);
    const again = await service.modify(p1.registration.id, person(1, { evening_event: true }), NOW);
    expect(again.answer.replayed).toBe(true);
  });

  it('refuses a modification that asks for a full item without waiting list, changing nothing', async () => {
    const { register, store } = setup();
    await register(1, { onsite_days: ['2025-06-08'] });
    await register(2);
    const before = store.snapshot();
    await expect(register(2, { onsite_days: ['2025-06-07', '2025-06-08'] })).rejects.toMatchObject({ code: 'day-full' });
    expect(store.snapshot()).toEqual(before);
  });

  it('refuses a change of email to an address already registered, changing nothing', async () => {
    const { register, store } = setup();
    const p1 = await register(1);
    await register(2);
    const before = store.snapshot();
    const error = await register(2, { email: 'p1@example.org' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'already-registered' });
    expect((error as RefusalError).details).toBeUndefined();
    expect(JSON.stringify((error as Error).message)).not.toContain(p1.registration.id);
    expect(store.snapshot()).toEqual(before);
  });

  it('moves the email marker when the email changes', async () => {
    const { register, store, meeting } = setup();
    const p1 = await register(1);
    await register(1, { email: 'nouvelle@example.org' });
    expect(await store.findIdByEmail(meeting.id, 'nouvelle@example.org')).toBe(p1.registration.id);
    expect(await store.findIdByEmail(meeting.id, 'p1@example.org')).toBeUndefined();
    await expect(register(2, { email: 'p1@example.org' })).resolves.toMatchObject({ answer: { status: 'confirmed' } });
  });

  it('refuses a modification after the window has closed', async () => {
    const { register, service, meeting } = setup();
    await register(1);
    await expect(service.register(meeting.id, person(1, { evening_event: true }), new Date('2025-06-06T08:00:00Z'))).rejects.toMatchObject({
      code: 'registration-closed',
    });
  });
});

describe('cancel', () => {
  /**
   * p1: day 1, chrono, evening. p2: day 1, waits for chrono. p3: waits for day 1 (chrono
   * chosen, pending). p4: waits for day 1. p5: remote day 1, waits for the evening.
   */
  async function crowd() {
    const ctx = setup();
    const p1 = await ctx.register(1, { workshops: ['chrono'], evening_event: true });
    const p2 = await ctx.register(2, { workshops: ['chrono'] });
    const p3 = await ctx.register(3, { workshops: ['chrono'] });
    const p4 = await ctx.register(4);
    const p5 = await ctx.register(5, { onsite_days: [], remote_days: ['2025-06-07'], evening_event: true });
    return { ...ctx, p1, p2, p3, p4, p5 };
  }

  it('starts from the expected crowd', async () => {
    const { p2, p3, p5, store, meeting } = await crowd();
    expect(p2.answer).toMatchObject({ status: 'partial', workshops: [{ status: 'waiting', waiting_position: 1 }] });
    expect(p3.answer).toMatchObject({ status: 'waiting', workshops: [{ status: 'waiting', waiting_position: null, waiting_for_day: true }] });
    expect(p5.answer).toMatchObject({ status: 'partial', evening_event: { status: 'waiting', waiting_position: 1 } });
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('frees every place and promotes exactly as many people as places freed, in FIFO order', async () => {
    const { service, store, publisher, counts, meeting, p1, p2, p3, p4, p5 } = await crowd();
    const cancelled = await service.cancel(p1.registration.id, NOW);
    expect(cancelled.answer).toMatchObject({ status: 'cancelled', in_waiting_list: false, replayed: false });
    expect(publisher.published.map((n) => [n.registration_id, n.type === 'registration.promoted' ? n.item_key : null]).sort()).toEqual(
      [
        [p3.registration.id, D1],
        [p2.registration.id, 'workshop:chrono'],
        [p5.registration.id, 'evening'],
      ].sort(),
    );
    // p3 got the day; chrono, still wanted by p2 who waited before, puts p3 on its list.
    expect((await service.getRegistration(p3.registration.id)).answer).toMatchObject({
      status: 'partial',
      days: [{ status: 'confirmed' }],
      workshops: [{ id: 'chrono', status: 'waiting', waiting_position: 1 }],
    });
    expect((await service.getRegistration(p2.registration.id)).answer).toMatchObject({ status: 'confirmed' });
    expect((await service.getRegistration(p4.registration.id)).answer.days[0]).toMatchObject({ status: 'waiting', waiting_position: 1 });
    expect((await service.getRegistration(p5.registration.id)).answer.evening_event).toEqual({ status: 'confirmed', waiting_position: null });
    expect(counts(D1)).toMatchObject({ confirmed: 2, waiting: 1 });
    expect(counts('workshop:chrono')).toMatchObject({ confirmed: 1, waiting: 1 });
    expect(counts('evening')).toMatchObject({ confirmed: 1, waiting: 0 });
    expect(store.outbox.size).toBe(0);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('answers the same when cancelling again (replayed), changing nothing', async () => {
    const { service, store, publisher, p1 } = await crowd();
    const first = await service.cancel(p1.registration.id, NOW);
    const commits = store.commits;
    const published = publisher.published.length;
    const second = await service.cancel(p1.registration.id, new Date(NOW.getTime() + 60_000));
    expect(second.answer).toEqual({ ...first.answer, replayed: true });
    expect(store.commits).toBe(commits);
    expect(publisher.published).toHaveLength(published);
  });

  it('lets the email register again with another form, and refuses to modify the cancelled registration', async () => {
    const { service, register, p1, meeting } = await crowd();
    await service.cancel(p1.registration.id, NOW);
    await expect(register(1, { evening_event: false })).rejects.toMatchObject({ code: 'registration-cancelled' });
    await expect(service.register(meeting.id, person(1), NOW)).rejects.toMatchObject({ code: 'registration-cancelled' });
    const again = await service.register(meeting.id, person(1, { form_uuid: 'form-1-bis' }), NOW);
    expect(again.registration.id).not.toBe(p1.registration.id);
    expect(again.answer.status).toBe('waiting');
  });

  it('frees a waiting ticket without promoting anyone', async () => {
    const { service, publisher, store, meeting, p3, p4 } = await crowd();
    await service.cancel(p3.registration.id, NOW);
    expect(publisher.published).toEqual([]);
    expect((await service.getRegistration(p4.registration.id)).answer.days[0]?.waiting_position).toBe(1);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('promotes two people in FIFO order when two places free at once', async () => {
    const { service, store, meeting, p1, p2, p3, p4 } = await crowd();
    await Promise.all([service.cancel(p1.registration.id, NOW), service.cancel(p2.registration.id, NOW)]);
    expect((await service.getRegistration(p3.registration.id)).answer.days[0]?.status).toBe('confirmed');
    expect((await service.getRegistration(p4.registration.id)).answer.days[0]?.status).toBe('confirmed');
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });
});

describe('promotion of a day', () => {
  it('decides the pending workshops: a free place is taken, a full one without waiting list is dropped and said', async () => {
    const { register, service, publisher, store, counts, meeting } = setup();
    const p1 = await register(1, { workshops: ['wcs'] });
    await register(2);
    const p3 = await register(3, { workshops: ['chrono', 'wcs'] });
    await service.cancel((await store.findByFormUuid('form-2'))?.id ?? '', NOW);
    const promoted = await service.getRegistration(p3.registration.id);
    expect(promoted.answer).toMatchObject({
      status: 'confirmed',
      workshops: [{ id: 'chrono', status: 'confirmed' }],
    });
    expect(promoted.registration.workshops).toEqual(['chrono']);
    expect(publisher.published).toEqual([
      expect.objectContaining({ registration_id: p3.registration.id, item_key: D1, dropped_workshops: ['wcs'] }),
    ]);
    expect(counts('workshop:wcs')).toMatchObject({ confirmed: 1, waiting: 0 });
    expect((await service.getRegistration(p1.registration.id)).answer.workshops).toEqual([
      expect.objectContaining({ id: 'wcs', status: 'confirmed' }),
    ]);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('leaves the notification in the outbox when the queue is down, and still answers', async () => {
    const { register, service, publisher, store } = setup();
    const p1 = await register(1);
    await register(2);
    await register(3);
    publisher.failNext();
    await expect(service.cancel(p1.registration.id, NOW)).resolves.toMatchObject({ answer: { status: 'cancelled' } });
    expect(publisher.published).toEqual([]);
    expect(await store.listOutbox('9999')).toEqual([expect.objectContaining({ type: 'registration.promoted', item_key: D1 })]);
  });
});

describe('bounded retries', () => {
  const TIGHT: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 };

  it('answers service-busy (503) after maxAttempts when registering keeps conflicting, with nothing written', async () => {
    const { service, store, sleeps, meeting } = setup({ retry: TIGHT });
    const before = store.snapshot();
    store.failAlways('create', () => new StaleReadError());
    const error = await service.register(meeting.id, person(1), NOW).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceBusyError);
    expect(error).toMatchObject({ code: 'service-busy', statusCode: 503, message: expect.stringContaining('rien n’a été enregistré') });
    expect(store.count('create')).toBe(3);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    expect(store.snapshot()).toEqual(before);
  });

  it('stops a cancellation that keeps conflicting at maxElapsedMs, not after maxAttempts (the functions time out at 10 s)', async () => {
    // 1000 attempts of a pause each would take seconds; the time bound answers busy long before.
    const BOUNDED: RetryPolicy = { maxAttempts: 1000, maxElapsedMs: 60, baseDelayMs: 5, maxDelayMs: 5 };
    const meetings = new FakeMeetingRepository();
    const meeting = meetings.add(smallMeeting());
    const store = new FakeRegistrationRepository(meetings);
    const service = new RegistrationService({
      meetings,
      store,
      publisher: new FakePublisher(),
      baseUrl: BASE_URL,
      retry: BOUNDED,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    const p1 = await service.register(meeting.id, person(1), NOW);
    store.failAlways('update', () => new StaleReadError());
    const started = Date.now();
    await expect(service.cancel(p1.registration.id, NOW)).rejects.toBeInstanceOf(ServiceBusyError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(store.count('update')).toBeGreaterThan(1);
    expect(store.count('update')).toBeLessThan(1000);
  });

  it('answers service-busy when a modification or a cancellation keeps conflicting, with nothing written', async () => {
    const { register, service, store, meeting } = setup({ retry: TIGHT });
    const p1 = await register(1);
    await register(2);
    await register(3);
    const before = store.snapshot();
    store.failAlways('update', () => new StaleReadError());
    await expect(service.register(meeting.id, person(1, { evening_event: true }), NOW)).rejects.toMatchObject({ code: 'service-busy' });
    await expect(service.cancel(p1.registration.id, NOW)).rejects.toBeInstanceOf(ServiceBusyError);
    expect(store.count('update')).toBe(6);
    expect(store.snapshot()).toEqual(before);
    store.heal('update');
    await expect(service.cancel(p1.registration.id, NOW)).resolves.toMatchObject({ answer: { status: 'cancelled' } });
  });

  it('a conflict streak while promoting one item does not abandon the promotions of the next item', async () => {
    const { register, service, store } = setup({ retry: TIGHT });
    const p1 = await register(1, { evening_event: true });
    await register(2);
    await register(3); // waits for day 1
    const p4 = await register(4, { onsite_days: [], remote_days: ['2025-06-07'], evening_event: true }); // waits for the evening
    // p1's cancellation frees day 1 then the evening; day 1's promotion meets a streak of
    // conflicts (maxAttempts of them), then the evening's first try meets one more.
    store.fail('promote', () => new StaleReadError(), TIGHT.maxAttempts + 1);
    await service.cancel(p1.registration.id, NOW);
    expect((await service.getRegistration(p4.registration.id)).answer.evening_event).toEqual({ status: 'confirmed', waiting_position: null });
  });

  it('succeeds when the conflicts stop before maxAttempts', async () => {
    const { service, store, meeting } = setup({ retry: TIGHT });
    store.fail('create', () => new StaleReadError(), 2);
    await expect(service.register(meeting.id, person(1), NOW)).resolves.toMatchObject({ answer: { status: 'confirmed' } });
    expect(store.registrations.size).toBe(1);
  });
});

describe('crash between two steps', () => {
  // The release and the promotion are two writes. A Lambda that dies (or a read that fails)
  // after the release leaves a free place while people wait: "a crash between two steps
  // leaves a state that the next call or the next scheduled run completes" (product.md).
  it('a cancellation whose promotion failed is completed by the next call', async () => {
    const { register, service, store, meeting } = setup();
    const p1 = await register(1);
    await register(2);
    const p3 = await register(3);
    store.fail('firstWaiting', () => new Error('Task timed out after 3.00 seconds'));
    await service.cancel(p1.registration.id, NOW).then(
      () => undefined,
      () => undefined,
    ); // whatever the crashed call answered
    const again = await service.cancel(p1.registration.id, NOW);
    expect(again.answer.status).toBe('cancelled');
    expect((await service.getRegistration(p3.registration.id)).answer.days[0]?.status).toBe('confirmed');
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('a modification whose promotion failed is completed when the form is sent again', async () => {
    const { register, service, store, meeting } = setup();
    await register(1);
    await register(2);
    const p3 = await register(3);
    store.fail('firstWaiting', () => new Error('Task timed out after 3.00 seconds'));
    const changed = { onsite_days: [], remote_days: ['2025-06-07'] };
    await register(1, changed).then(
      () => undefined,
      () => undefined,
    );
    await expect(register(1, changed)).resolves.toMatchObject({ answer: { replayed: true } });
    expect((await service.getRegistration(p3.registration.id)).answer.days[0]?.status).toBe('confirmed');
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });
});

describe('check-in and concurrent writes', () => {
  it('keeps a check-in recorded while a promotion of the same registration is being written', async () => {
    const { register, service, store } = setup();
    const p1 = await register(1, { workshops: ['chrono'] });
    const p2 = await register(2, { workshops: ['chrono'] });
    // p2 checks in on day 1 at the very moment p1's cancellation promotes p2 to chrono.
    store.before('promote', async () => {
      const current = await store.findById(p2.registration.id);
      await store.setCheckIn(current!, '2025-06-07', '2025-06-07T08:30:00.000Z');
    });
    await service.cancel(p1.registration.id, NOW);
    const after = await service.getRegistration(p2.registration.id);
    expect(after.answer.workshops[0]?.status).toBe('confirmed');
    expect(after.registration.checked_in).toEqual({ '2025-06-07': '2025-06-07T08:30:00.000Z' });
  });
});

describe('requestHash', () => {
  it('is stable under the order of lists, and changes with the data', () => {
    const a = requestHash(person(1, { onsite_days: ['2025-06-08', '2025-06-07'], workshops: ['wcs', 'chrono'] }));
    const b = requestHash(person(1, { onsite_days: '2025-06-07,2025-06-08', workshops: ['chrono', 'wcs'] }));
    expect(a).toBe(b);
    expect(requestHash(person(1, { onsite_days: ['2025-06-07', '2025-06-08', '2025-06-07'], workshops: ['wcs', 'chrono', 'wcs'] }))).toBe(a);
    expect(requestHash(person(1, { onsite_days: ['2025-06-07', '2025-06-08'], workshops: ['chrono'] }))).not.toBe(a);
    expect(requestHash(person(1))).not.toBe(requestHash(person(1, { phone: '0102030405' })));
    expect(requestHash(person(1))).toBe(requestHash(person(1, { email: ' P1@EXAMPLE.org', phone: '' })));
  });
});

describe('random traffic', () => {
  /** A small deterministic generator (mulberry32), so that a failure can be replayed. */
  function random(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // Registrations, modifications, replays and cancellations of 12 people, 5 at a time, on
  // items of 1 or 2 places: after every round the store must hold exactly what the
  // registrations say, within capacity, with no free place left while someone waits.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('keeps counters, waiting entries and capacities consistent (seed %i)', async (seed) => {
    const rnd = random(seed);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)] as T;
    const { service, store, publisher, meeting } = setup();
    const bodies = new Map<number, Record<string, unknown>>();
    const generation = new Map<number, number>();
    const formOf = (n: number) => ({ form_uuid: `form-${n}-${generation.get(n) ?? 0}` });
    const body = (): Record<string, unknown> => {
      const d1 = pick(['onsite', 'onsite', 'remote', 'none'] as const);
      const d2 = pick(['onsite', 'remote', 'none', 'none'] as const);
      const onsite = [...(d1 === 'onsite' ? ['2025-06-07'] : []), ...(d2 === 'onsite' ? ['2025-06-08'] : [])];
      const remote = [...(d1 === 'remote' ? ['2025-06-07'] : []), ...(d2 === 'remote' ? ['2025-06-08'] : [])];
      if (onsite.length + remote.length === 0) onsite.push('2025-06-07');
      const workshops = onsite.includes('2025-06-07') ? [...(rnd() < 0.5 ? ['chrono'] : []), ...(rnd() < 0.3 ? ['wcs'] : [])] : [];
      return { onsite_days: onsite, remote_days: remote, workshops, evening_event: rnd() < 0.4 };
    };
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 30; round++) {
      const ops = Array.from({ length: 5 }, async () => {
        const n = 1 + Math.floor(rnd() * 12);
        const r = rnd();
        if (!bodies.has(n) || r < 0.5) {
          const b = bodies.has(n) && r < 0.15 ? (bodies.get(n) as Record<string, unknown>) : body();
          bodies.set(n, b);
          return service.register(meeting.id, person(n, { ...b, ...formOf(n) }), NOW);
        }
        const reg = await store.findByFormUuid(formOf(n).form_uuid);
        if (!reg) return undefined;
        generation.set(n, (generation.get(n) ?? 0) + 1);
        bodies.delete(n);
        return service.cancel(reg.id, NOW);
      });
      const results = await Promise.allSettled(ops);
      for (const r of results) {
        const key = r.status === 'fulfilled' ? (r.value ? `${r.value.answer.status}${r.value.answer.replayed ? ' (replay)' : ''}` : 'none') : (r.reason as RefusalError).code;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (r.status === 'rejected' && !(r.reason instanceof RefusalError)) throw r.reason;
      }
      expect(store.invariantViolations(meeting.id), `round ${round}`).toEqual([]);
    }
    // The traffic did reach the interesting cases.
    expect(publisher.published.length).toBeGreaterThan(0);
    expect([...outcomes.keys()]).toEqual(expect.arrayContaining(['confirmed', 'cancelled', 'waiting']));
  });
});
