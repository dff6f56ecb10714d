// What a replacement of a series writes for its occurrences (replacement.ts): announced dates
// dropped → withdrawn and cancelled; announced dates retimed → sequence raised; a withdrawn date
// brought back → takes place again; dates nobody was told about → nothing.
import { describe, expect, it } from 'vitest';
import { upcomingOccurrences } from '#shared/domain/sessions/occurrences.ts';
import { replacementOverrides } from '#shared/domain/sessions/replacement.ts';
import type { OccurrenceOverride, Series } from '#shared/domain/sessions/schema.ts';

const SERIES: Series = {
  id: 'club',
  title: 'Sessions',
  timezone: 'Europe/Paris',
  rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2',
  dtstart: '2031-01-14T14:00',
  until: '2031-12-31',
  duration_minutes: 90,
  visio_url: 'https://visio.example.org/club',
  default_topic: 'Session',
  reminders: [{ id: '7d-0900', days_before: 7, at: '09:00' }],
  created_at: '2031-01-01T00:00:00.000Z',
  updated_at: '2031-01-01T00:00:00.000Z',
};
const THIRD_TUESDAYS: Series = { ...SERIES, rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=3', dtstart: '2031-01-21T14:00' };
const AFTER_7D = new Date('2031-01-07T09:00:00Z');
const BEFORE_7D = new Date('2031-01-02T09:00:00Z');

describe('replacementOverrides', () => {
  it('withdraws the announced date the new rule drops (cancelled, sequence raised, old start kept); later dates go silently', () => {
    const writes = replacementOverrides(SERIES, THIRD_TUESDAYS, [], AFTER_7D);
    expect(writes).toEqual([
      expect.objectContaining({
        date: '2031-01-14',
        cancelled: true,
        sequence: 1,
        starts_at: '2031-01-14T14:00:00+01:00',
        duration_minutes: 90,
        withdrawn: { filled: ['starts_at', 'duration_minutes'], cancelled: true },
        revision: 1,
      }),
    ]);
    const listed = upcomingOccurrences(THIRD_TUESDAYS, writes, AFTER_7D);
    expect(listed[0]).toMatchObject({ id: 'club-2031-01-14', cancelled: true, sequence: 1 });
    expect(listed.filter((o) => o.cancelled)).toHaveLength(1);
  });

  it('the next occurrence counts as announced even before any reminder (the confirmation invites to it)', () => {
    expect(replacementOverrides(SERIES, THIRD_TUESDAYS, [], BEFORE_7D).map((o) => o.date)).toEqual(['2031-01-14']);
  });

  it('nothing for a title, a link or a new date added: no sequence to raise', () => {
    expect(replacementOverrides(SERIES, { ...SERIES, title: 'Autre', visio_url: 'https://visio.example.org/autre' }, [], AFTER_7D)).toEqual([]);
    expect(replacementOverrides(SERIES, { ...SERIES, rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2,4' }, [], AFTER_7D)).toEqual([]);
  });

  it('a new time or duration raises the sequence of announced dates only, keeping the start people knew', () => {
    const writes = replacementOverrides(SERIES, { ...SERIES, dtstart: '2031-01-14T16:00', duration_minutes: 60 }, [], AFTER_7D);
    expect(writes).toEqual([expect.objectContaining({ date: '2031-01-14', sequence: 1, previous_starts_at: '2031-01-14T14:00:00+01:00', cancelled: false })]);
    expect(writes[0]?.starts_at).toBeUndefined();
  });

  it('an occurrence the organiser moved keeps its own time: no update for it', () => {
    const moved: OccurrenceOverride = { series_id: 'club', date: '2031-01-14', starts_at: '2031-01-15T10:00:00+01:00', cancelled: false, sequence: 1, revision: 1, updated_at: '2031-01-02T00:00:00Z' };
    expect(replacementOverrides(SERIES, { ...SERIES, dtstart: '2031-01-14T16:00' }, [moved], AFTER_7D)).toEqual([]);
  });

  it('a withdrawn date brought back takes place again at the new time (update), its filled fields dropped', () => {
    const [withdrawn] = replacementOverrides(SERIES, THIRD_TUESDAYS, [], AFTER_7D);
    if (!withdrawn) throw new Error('fixture');
    const at15 = { ...SERIES, dtstart: '2031-01-14T15:00' };
    const back = replacementOverrides(THIRD_TUESDAYS, at15, [withdrawn], new Date('2031-01-08T09:00:00Z'));
    const restored = back.find((o) => o.date === '2031-01-14');
    expect(restored).toMatchObject({ cancelled: false, sequence: 2, revision: 2, previous_starts_at: '2031-01-14T14:00:00+01:00' });
    expect(restored?.withdrawn).toBeUndefined();
    expect(restored?.starts_at).toBeUndefined();
    // The third Tuesday, next when replaced, is withdrawn in turn.
    expect(back.find((o) => o.date === '2031-01-21')).toMatchObject({ cancelled: true, sequence: 1 });
    expect(upcomingOccurrences(at15, back, new Date('2031-01-08T09:00:00Z'))[0]).toMatchObject({ starts_at: '2031-01-14T15:00:00+01:00', cancelled: false });
  });

  it('a date the organiser had cancelled stays cancelled when withdrawn and when brought back (no second cancellation)', () => {
    const cancelled: OccurrenceOverride = { series_id: 'club', date: '2031-01-14', cancelled: true, sequence: 1, revision: 1, updated_at: '2031-01-02T00:00:00Z' };
    const [withdrawn] = replacementOverrides(SERIES, THIRD_TUESDAYS, [cancelled], AFTER_7D);
    expect(withdrawn).toMatchObject({ cancelled: true, sequence: 1, withdrawn: { cancelled: false } });
    if (!withdrawn) throw new Error('fixture');
    const back = replacementOverrides(THIRD_TUESDAYS, SERIES, [withdrawn], AFTER_7D).find((o) => o.date === '2031-01-14');
    expect(back).toMatchObject({ cancelled: true, sequence: 1 });
    expect(back?.withdrawn).toBeUndefined();
  });
});
