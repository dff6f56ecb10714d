// Behaviours added after the independent review: form links survive a modification, consent
// follows the notice version, already-registered comes first, check-in is decided on the
// registration as written, and organisers cannot pull a chosen workshop from under people.
import { describe, expect, it } from 'vitest';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { defineMeeting } from '#shared/domain/meetings/define.ts';
import { MeetingChanges } from '#shared/domain/registrations/meeting-changes.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { ConflictError, RefusalError } from '#shared/errors.ts';
import { BASE_URL, FakeMeetingRepository, FakePublisher, FakeRegistrationRepository, NOW, meetingInput, request, smallMeeting } from './fakes.ts';

function setup() {
  const meetings = new FakeMeetingRepository();
  const meeting = meetings.add(smallMeeting());
  const store = new FakeRegistrationRepository(meetings);
  const service = new RegistrationService({
    meetings,
    store,
    publisher: new FakePublisher(),
    baseUrl: BASE_URL,
    retry: { maxAttempts: 5, baseDelayMs: 0, maxDelayMs: 0 },
    sleep: async () => undefined,
  });
  const person = (n: number, overrides: Record<string, unknown> = {}) =>
    request({ form_uuid: `form-${n}`, email: `p${n}@example.org`, last_name: `Nom${n}`, ...overrides });
  return { meetings, meeting, store, service, person };
}

describe('a modification', () => {
  it('keeps the callback and the form number the new body leaves out, and replaces personal fields', async () => {
    const { service, meeting, person } = setup();
    const first = await service.register(
      meeting.id,
      person(1, { callback_url: 'https://demarches.example.org/f/1/jump/trigger/promu', form_number: '12-34', phone: '0102030405' }),
      NOW,
    );
    const changed = await service.modify(first.registration.id, person(1, { evening_event: true }), NOW);
    expect(changed.registration).toMatchObject({
      callback_url: 'https://demarches.example.org/f/1/jump/trigger/promu',
      form_number: '12-34',
    });
    expect(changed.registration.phone).toBeUndefined();
  });

  it('records a new consent when the image-rights notice changed, even with the same answer', async () => {
    const { service, meetings, meeting, person } = setup();
    const first = await service.register(meeting.id, person(1), NOW);
    expect(first.registration.image_rights).toMatchObject({ answer: 'accepted', notice_version: 1 });
    const later = new Date(NOW.getTime() + 3_600_000);
    const newNotice = defineMeeting(meeting.id, MeetingInputSchema.parse(meetingInput({ image_rights_notice: 'Nouveau texte.' })), meeting, later);
    meetings.add({ ...newNotice, days: meeting.days, workshops: meeting.workshops, evening_event: meeting.evening_event });
    const again = await service.modify(first.registration.id, person(1, { evening_event: true }), later);
    expect(again.registration.image_rights).toEqual({ answer: 'accepted', notice_version: 2, answered_at: later.toISOString() });
  });
});

describe('refusal order', () => {
  it('says already-registered before a closed window or a full day', async () => {
    const { service, meeting, person } = setup();
    await service.register(meeting.id, person(1, { onsite_days: ['2025-06-08'] }), NOW);
    const afterClose = new Date('2025-07-01T00:00:00Z');
    await expect(service.register(meeting.id, person(2, { email: 'p1@example.org' }), afterClose)).rejects.toMatchObject({
      code: 'already-registered',
    });
    await expect(
      service.register(meeting.id, person(3, { email: 'p1@example.org', onsite_days: ['2025-06-08'] }), NOW),
    ).rejects.toMatchObject({ code: 'already-registered' });
  });

  it('a copy of the same form that wins between our read and our write is a replay, not already-registered', async () => {
    const { service, store, meeting, person } = setup();
    // The copy commits right after this call read no form marker, before its own write.
    let copy: Promise<unknown> | undefined;
    store.before('create', async () => {
      copy = service.register(meeting.id, person(1), NOW);
      await copy;
    });
    const outcome = await service.register(meeting.id, person(1), NOW);
    expect(copy).toBeDefined();
    const copied = (await copy) as Awaited<ReturnType<typeof service.register>>;
    expect(outcome.answer).toMatchObject({ registration_id: copied.answer.registration_id, replayed: true });
  });
});

describe('check-in', () => {
  it('is refused when the registration is cancelled between the read and the write', async () => {
    const { service, store, meeting, person } = setup();
    const p1 = await service.register(meeting.id, person(1), NOW);
    store.before('setCheckIn', async () => {
      await service.cancel(p1.registration.id, NOW);
    });
    const attempt = service.checkIn(p1.registration.id, '2025-06-07', NOW);
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ code: 'not-attending' });
    expect((await store.findById(p1.registration.id))?.checked_in).toEqual({});
  });

  it('keeps the first time on a second check-in', async () => {
    const { service, meeting, person } = setup();
    const p1 = await service.register(meeting.id, person(1), NOW);
    const first = await service.checkIn(p1.registration.id, '2025-06-07', NOW);
    const second = await service.checkIn(p1.registration.id, '2025-06-07', new Date(NOW.getTime() + 60_000));
    expect(first).toMatchObject({ already: false, checkedInAt: NOW.toISOString() });
    expect(second).toMatchObject({ already: true, checkedInAt: NOW.toISOString() });
  });
});

describe('personal calendar', () => {
  it('answers the same not-found for an unknown id and a wrong token', async () => {
    const { service, meeting, person } = setup();
    const p1 = await service.register(meeting.id, person(1), NOW);
    const ok = await service.calendarSubject(p1.registration.id, p1.registration.access_token);
    expect(ok.registration.id).toBe(p1.registration.id);
    expect(ok.meeting.id).toBe(meeting.id);
    const wrong = service.calendarSubject(p1.registration.id, 'nope');
    const unknown = service.calendarSubject('rzzzzzzzzzzzzzzzzzzzzzzzzzz', p1.registration.access_token);
    await expect(wrong).rejects.toMatchObject({ statusCode: 404, code: 'unknown-registration' });
    await expect(unknown).rejects.toMatchObject({ statusCode: 404, code: 'unknown-registration' });
  });
});

describe('organisers changing a meeting', () => {
  function organiser() {
    const s = setup();
    const changes = new MeetingChanges(new MeetingService(s.meetings), s.meetings, s.service, s.store);
    const input = (workshops: unknown[]) =>
      MeetingInputSchema.parse(
        meetingInput({
          days: s.meeting.days,
          workshops,
          evening_event: s.meeting.evening_event,
        }),
      );
    return { ...s, changes, input };
  }

  it('cannot remove or move a workshop someone chose, even while they wait for its day', async () => {
    const { service, meeting, person, changes, input } = organiser();
    await service.register(meeting.id, person(1), NOW);
    await service.register(meeting.id, person(2), NOW);
    const waiting = await service.register(meeting.id, person(3, { workshops: ['chrono'] }), NOW);
    expect(waiting.answer.workshops[0]).toMatchObject({ waiting_for_day: true });
    const chrono = meeting.workshops.find((w) => w.id === 'chrono');
    const wcs = meeting.workshops.find((w) => w.id === 'wcs');
    const removal = changes.putMeeting(meeting.id, input([wcs]), NOW);
    await expect(removal).rejects.toBeInstanceOf(ConflictError);
    await expect(removal).rejects.toMatchObject({ code: 'item-in-use', details: { data: { workshops: ['chrono'] } } });
    await expect(changes.putMeeting(meeting.id, input([{ ...chrono, day: '2025-06-08' }, wcs]), NOW)).rejects.toMatchObject({
      code: 'item-in-use',
    });
    // Nobody chose « wcs »: it may go, and chrono's capacity may change.
    await expect(changes.putMeeting(meeting.id, input([{ ...chrono, capacity: 3 }]), NOW)).resolves.toMatchObject({ created: false });
  });

  it('the save itself refuses a workshop chosen while the listing lags, and counts the choices it needs', async () => {
    const { service, store, meetings, meeting, person, input } = organiser();
    // The early look sees nobody (an index milliseconds behind): only the save's conditions can tell.
    const lagging = new MeetingChanges(new MeetingService(meetings), meetings, service, Object.assign(Object.create(store) as typeof store, { listByMeeting: async () => [] }));
    await service.register(meeting.id, person(1), NOW);
    await service.register(meeting.id, person(2), NOW);
    const waiting = await service.register(meeting.id, person(3, { workshops: ['chrono'] }), NOW);
    expect(meetings.countsOf(meeting.id, 'workshop:chrono')?.chosen).toBe(1);
    const chrono = meeting.workshops.find((w) => w.id === 'chrono');
    const wcs = meeting.workshops.find((w) => w.id === 'wcs');
    await expect(lagging.putMeeting(meeting.id, input([wcs]), NOW)).rejects.toMatchObject({
      code: 'item-in-use',
      details: { data: { items: ['workshop:chrono'], workshops: ['chrono'] } },
    });
    await expect(lagging.putMeeting(meeting.id, input([{ ...chrono, day: '2025-06-08' }, wcs]), NOW)).rejects.toMatchObject({
      code: 'item-in-use',
      details: { data: { workshops: ['chrono'] } },
    });
    await service.cancel(waiting.registration.id, NOW);
    expect(meetings.countsOf(meeting.id, 'workshop:chrono')?.chosen).toBe(0);
    await expect(lagging.putMeeting(meeting.id, input([{ ...chrono, day: '2025-06-08' }, wcs]), NOW)).resolves.toMatchObject({ created: false });
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('a registration stored before the counts: its cancellation takes nothing back, its next change counts its choices', async () => {
    const { service, store, meetings, meeting, person } = organiser();
    const legacy = async (n: number) => {
      const made = await service.register(meeting.id, person(n, { workshops: ['chrono'] }), NOW);
      // As stored before this change: no flag on the registration, no `chosen` on the counter.
      const stored = store.registrations.get(made.registration.id);
      if (stored) delete stored.registration.choices_counted;
      const counts = meetings.countsOf(meeting.id, 'workshop:chrono');
      if (counts) counts.chosen -= 1;
      return made.registration.id;
    };
    const a = await legacy(1);
    const b = await legacy(2);
    expect(meetings.countsOf(meeting.id, 'workshop:chrono')?.chosen).toBe(0);
    await service.cancel(a, NOW);
    expect(meetings.countsOf(meeting.id, 'workshop:chrono')?.chosen).toBe(0);
    await service.modify(b, person(2, { workshops: ['chrono'], evening_event: true }), NOW);
    expect(meetings.countsOf(meeting.id, 'workshop:chrono')?.chosen).toBe(1);
    expect((await store.findById(b))?.choices_counted).toBe(true);
    expect(store.invariantViolations(meeting.id)).toEqual([]);
  });

  it('promotes waiting people when a capacity is raised', async () => {
    const { service, meeting, person, changes } = organiser();
    await service.register(meeting.id, person(1), NOW);
    await service.register(meeting.id, person(2), NOW);
    const third = await service.register(meeting.id, person(3), NOW);
    expect(third.answer.status).toBe('waiting');
    const raised = MeetingInputSchema.parse(
      meetingInput({
        days: meeting.days.map((d, i) => (i === 0 ? { ...d, onsite_capacity: 3 } : d)),
        workshops: meeting.workshops,
        evening_event: meeting.evening_event,
      }),
    );
    expect(await changes.putMeeting(meeting.id, raised, NOW)).toEqual({ created: false, promoted: 1 });
    expect((await service.getRegistration(third.registration.id)).answer.status).toBe('confirmed');
  });
});

describe('refusals stay refusals', () => {
  it('a refused registration is a RefusalError with its class', async () => {
    const { service, meeting, person } = setup();
    await expect(service.register(meeting.id, person(1, { workshops: ['nope'] }), NOW)).rejects.toBeInstanceOf(RefusalError);
  });
});
