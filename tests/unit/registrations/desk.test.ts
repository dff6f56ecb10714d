// The console's desk (shared/domain/registrations/search.ts, desk.ts): the search filter, its
// rows, the bounded paged search, undoing a check-in and a badge's preview; the fill levels
// from the counters (exports.ts, meetingFill).
import { describe, expect, it } from 'vitest';
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { itemDefinitionsOf, withCounters } from '#shared/domain/meetings/items.ts';
import { checkinTokenHash } from '#shared/domain/registrations/checkin-token.ts';
import { DeskService, SEARCH_MAX_READ } from '#shared/domain/registrations/desk.ts';
import { meetingCounts, meetingFill } from '#shared/domain/registrations/exports.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { foldText, matchesFilter, searchRow } from '#shared/domain/registrations/search.ts';
import { InvalidRequestError, NotFoundError } from '#shared/errors.ts';
import { alice, all, bruno, castMeeting as meeting, castRegistration, chloe, denis, eve, fanny, FakeMeetingRepository, FakeRegistrationRepository } from './fakes.ts';

const ids = (regs: Registration[]) => regs.map((r) => r.last_name);
const found = (filter: Parameters<typeof matchesFilter>[1]) => ids(all.filter((r) => matchesFilter(r, filter)));

describe('search filter', () => {
  it('folds accents, case and apostrophes', () => {
    expect(foldText('  Hélène D’ARGENSON  ')).toBe("helene d'argenson");
  });

  it('finds every word typed in the name, badge name, organisation or email, accents ignored', () => {
    expect(found({ q: 'etienne' })).toEqual(['Étienne']);
    expect(found({ q: 'bruno m.' })).toEqual(['Martin']);
    expect(found({ q: 'PETIT lyon' })).toEqual(['Petit']);
    expect(found({ q: 'zola@example' })).toEqual(['Zola']);
    expect(found({ q: 'martin paris' })).toEqual([]);
  });

  it('leaves cancelled registrations out unless asked for', () => {
    expect(found({})).toEqual(['Martin', 'Zola', 'Étienne', 'Dupont', 'Petit']);
    expect(found({ status: 'cancelled' })).toEqual(['Annulée']);
    expect(found({ status: 'waiting' })).toEqual(['Martin', 'Zola']);
  });

  it('filters on a day, a mode on that day and check-ins on that day', () => {
    expect(found({ day: '2025-06-08' })).toEqual(['Martin', 'Étienne', 'Dupont', 'Petit']);
    expect(found({ day: '2025-06-08', mode: 'remote' })).toEqual(['Martin']);
    expect(found({ mode: 'remote' })).toEqual(['Martin']);
    expect(found({ checkedIn: true })).toEqual(['Dupont']);
    expect(found({ day: '2025-06-08', checkedIn: true })).toEqual([]);
    expect(found({ day: '2025-06-07', checkedIn: false })).toEqual(['Martin', 'Zola']);
  });

  it('shows per day the mode, the place, the arrival and whether the door expects them', () => {
    expect(searchRow(alice, meeting).days).toEqual([
      { date: '2025-06-07', mode: 'onsite', place: 'confirmed', waiting_position: null, checked_in_at: '2025-06-07T07:12:00.000Z', expected_onsite: true },
      { date: '2025-06-08', mode: 'onsite', place: 'confirmed', waiting_position: null, checked_in_at: null, expected_onsite: true },
    ]);
    expect(searchRow(bruno, meeting)).toMatchObject({
      last_name: 'Martin',
      badge_name: 'Bruno M.',
      status: 'waiting',
      days: [
        { date: '2025-06-07', mode: 'onsite', place: 'waiting', waiting_position: null, expected_onsite: false },
        { date: '2025-06-08', mode: 'remote', place: 'confirmed', expected_onsite: false },
      ],
    });
    // With the positions counted on the stored list, the waiting day shows its rank.
    expect(searchRow(bruno, meeting, new Map([['day:2025-06-07', 2]])).days[0]).toMatchObject({ place: 'waiting', waiting_position: 2 });
    // A forced check-in on a day not registered shows as a day without mode.
    const forced = { ...denis, checked_in: { '2025-06-08': '2025-06-08T07:00:00.000Z' } };
    expect(searchRow(forced, meeting).days[1]).toEqual({ date: '2025-06-08', mode: null, place: null, waiting_position: null, checked_in_at: '2025-06-08T07:00:00.000Z', expected_onsite: false });
  });
});

describe('fill levels', () => {
  it('come from the counters alone and equal the counts of GET /admin/meetings/{id}', () => {
    const counters = new Map([
      ['day:2025-06-07', { confirmed: 58, waiting: 3 }],
      ['remote:2025-06-07', { confirmed: 12, waiting: 0 }],
      ['workshop:usagers', { confirmed: 10, waiting: 0 }],
      ['evening', { confirmed: 40, waiting: 2 }],
    ]);
    const items = withCounters(itemDefinitionsOf(meeting), counters);
    const fill = meetingFill(meeting, items);
    expect(fill.days[0]).toEqual({
      date: '2025-06-07',
      label: meeting.days[0]?.label,
      onsite: { capacity: meeting.days[0]?.onsite_capacity, confirmed: 58, waiting: 3, available: 0 },
      remote: { capacity: null, confirmed: 12, waiting: 0, available: null },
    });
    expect(fill.workshops.find((w) => w.id === 'usagers')).toMatchObject({ capacity: 10, confirmed: 10, waiting: 0, available: 0 });
    expect(fill.evening_event).toMatchObject({ confirmed: 40, waiting: 2 });
    const counts = meetingCounts(meeting, items, all);
    expect(counts.days.map(({ checked_in: _c, ...d }) => d)).toEqual(fill.days);
    expect(counts.evening_event).toEqual(fill.evening_event);
  });
});

function deskWith(regs: Registration[]) {
  const meetings = new FakeMeetingRepository();
  meetings.add(meeting);
  const store = new FakeRegistrationRepository(meetings);
  for (const reg of regs) store.registrations.set(reg.id, { version: reg.version, registration: structuredClone(reg) });
  return { store, desk: new DeskService({ meetings, store }) };
}

describe('desk service', () => {
  it('searches page after page, stops at the limit and goes on from the cursor', async () => {
    const { desk } = deskWith(all);
    const first = await desk.search('club-12', {}, null, 2);
    expect(first.rows.map((r) => r.last_name)).toEqual(['Martin', 'Zola']);
    expect(first.cursor).not.toBeNull();
    const second = await desk.search('club-12', {}, first.cursor, 2);
    expect(second.rows.map((r) => r.last_name)).toEqual(['Étienne', 'Dupont']);
    const third = await desk.search('club-12', {}, second.cursor, 2);
    expect(third.rows.map((r) => r.last_name)).toEqual(['Petit']);
    expect(third.cursor).toBeNull();
  });

  it('reads at most SEARCH_MAX_READ registrations per call, and says where to go on', async () => {
    const crowd = Array.from({ length: SEARCH_MAX_READ + 150 }, (_, i) =>
      castRegistration({ last_name: `Nom${i}`, days: [{ date: '2025-06-07', mode: 'remote' }], items: [{ key: 'remote:2025-06-07', status: 'confirmed' }] }),
    );
    const needle = castRegistration({ last_name: 'Aiguille', days: [{ date: '2025-06-07', mode: 'remote' }], items: [{ key: 'remote:2025-06-07', status: 'confirmed' }] });
    const { desk, store } = deskWith([...crowd, needle]);
    const first = await desk.search('club-12', { q: 'aiguille' }, null, 50);
    expect(first).toMatchObject({ rows: [], read: SEARCH_MAX_READ });
    expect(first.cursor).not.toBeNull();
    expect(store.count('pageWithCursors')).toBe(SEARCH_MAX_READ / 100);
    const second = await desk.search('club-12', { q: 'aiguille' }, first.cursor, 50);
    expect(second.rows.map((r) => r.last_name)).toEqual(['Aiguille']);
    expect(second.cursor).toBeNull();
  });

  it('refuses a day outside the meeting as bad input naming day, and an unknown meeting with a 404', async () => {
    const { desk } = deskWith(all);
    await expect(desk.search('club-12', { day: '2025-06-09' }, null, 10)).rejects.toMatchObject({ statusCode: 400, details: { errors: [{ path: 'day' }] } });
    await expect(desk.search('club-99', {}, null, 10)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('undoes a check-in once, then answers removed: false without writing', async () => {
    const { desk, store } = deskWith(all);
    expect(await desk.undoCheckIn(alice.id, '2025-06-07')).toEqual({ removed: true, checkedIn: {} });
    expect((await store.findById(alice.id))?.checked_in).toEqual({});
    expect(await desk.undoCheckIn(alice.id, '2025-06-07')).toEqual({ removed: false, checkedIn: {} });
    expect(store.count('clearCheckIn')).toBe(1);
    await expect(desk.undoCheckIn(alice.id, '2025-06-09')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(desk.undoCheckIn('r0000000000000000000000000999', '2025-06-07')).rejects.toMatchObject({ code: 'unknown-registration' });
  });

  it('reads the registration again when it moved meanwhile', async () => {
    const { desk, store } = deskWith(all);
    store.fail('clearCheckIn', () => new StaleReadError());
    expect(await desk.undoCheckIn(alice.id, '2025-06-07')).toMatchObject({ removed: true });
    expect(store.count('clearCheckIn')).toBe(2);
  });

  it('previews a badge without checking anyone in', async () => {
    const token = 'A'.repeat(24);
    const badged = { ...fanny, checkin_token: { generation: 1, hash: checkinTokenHash(token) } } as Registration;
    const { desk, store } = deskWith([badged, chloe, eve]);
    store.checkinTokens.set(checkinTokenHash(token), badged.id);
    const preview = await desk.tokenPreview(token, new Date('2025-06-08T06:30:00Z'));
    expect(preview).toMatchObject({
      registration_id: fanny.id,
      name: 'Fanny Petit',
      meeting_id: 'club-12',
      today: '2025-06-08',
      today_is_meeting_day: true,
      days: [
        { date: '2025-06-07', expected_onsite: false, checked_in_at: null },
        { date: '2025-06-08', expected_onsite: true, checked_in_at: null },
      ],
    });
    expect((await store.findById(fanny.id))?.checked_in).toEqual({});
    await expect(desk.tokenPreview('B'.repeat(24), new Date())).rejects.toMatchObject({ code: 'unknown-checkin-token' });
    await expect(desk.tokenPreview('short', new Date())).rejects.toMatchObject({ code: 'unknown-checkin-token' });
  });
});
