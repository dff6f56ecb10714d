// Expansion of session series: the quarterly rule, daylight-saving weeks, bounds, horizon,
// moved and cancelled occurrences, and the French wording.
import { describe, expect, it } from 'vitest';
import {
  applyOccurrenceChange,
  findOccurrence,
  nextOccurrence,
  upcomingOccurrences,
} from '#shared/domain/sessions/occurrences.ts';
import { OPEN_ENDED_HORIZON_DAYS, ruleDates } from '#shared/domain/sessions/recurrence.ts';
import { occurrenceLabel, occurrenceWhenInSentence } from '#shared/domain/sessions/labels.ts';
import { type OccurrenceOverride, type Series } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';

const QUARTERLY = 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2';

function series(overrides: Partial<Series> = {}): Series {
  return {
    id: 'club-en-ligne',
    title: 'Sessions en ligne du club',
    timezone: 'Europe/Paris',
    rrule: QUARTERLY,
    dtstart: '2027-01-12T14:00',
    until: '2028-12-31',
    duration_minutes: 90,
    visio_url: 'https://visio.example.org/club-publik',
    default_topic: 'Session en ligne du club',
    reminders: [],
    created_at: '2026-11-01T00:00:00.000Z',
    updated_at: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

const NOW = new Date('2026-11-29T12:00:00Z');

describe('second Tuesday every quarter', () => {
  it('lists the rule instances at 14:00 Paris time, winter and summer offsets', () => {
    const list = upcomingOccurrences(series(), [], NOW);
    expect(list.map((o) => o.id)).toEqual([
      'club-en-ligne-2027-01-12',
      'club-en-ligne-2027-04-13',
      'club-en-ligne-2027-07-13',
      'club-en-ligne-2027-10-12',
      'club-en-ligne-2028-01-11',
      'club-en-ligne-2028-04-11',
      'club-en-ligne-2028-07-11',
      'club-en-ligne-2028-10-10',
    ]);
    expect(list[0]).toMatchObject({ starts_at: '2027-01-12T14:00:00+01:00', ends_at: '2027-01-12T15:30:00+01:00', sequence: 0 });
    expect(list[1]).toMatchObject({ starts_at: '2027-04-13T14:00:00+02:00', ends_at: '2027-04-13T15:30:00+02:00' });
  });

  it('count bounds the series from dtstart', () => {
    const list = upcomingOccurrences(series({ until: undefined, count: 3 }), [], NOW);
    expect(list.map((o) => o.date)).toEqual(['2027-01-12', '2027-04-13', '2027-07-13']);
  });

  it('until is inclusive', () => {
    expect(ruleDates(series({ until: '2027-07-13' })).at(-1)).toBe('2027-07-13');
    expect(ruleDates(series({ until: '2027-07-12' })).at(-1)).toBe('2027-04-13');
  });

  it('only occurrences still to start are upcoming', () => {
    const list = upcomingOccurrences(series(), [], new Date('2027-01-12T13:30:00Z'));
    expect(list[0]?.date).toBe('2027-04-13');
  });
});

describe('daylight-saving weeks keep the wall clock', () => {
  it('a weekly 14:00 session across the March change in Europe/Paris', () => {
    const weekly = series({ rrule: 'FREQ=WEEKLY;BYDAY=TU', dtstart: '2027-03-16T14:00', until: '2027-04-06' });
    const list = upcomingOccurrences(weekly, [], NOW);
    expect(list.map((o) => o.starts_at)).toEqual([
      '2027-03-16T14:00:00+01:00',
      '2027-03-23T14:00:00+01:00',
      '2027-03-30T14:00:00+02:00',
      '2027-04-06T14:00:00+02:00',
    ]);
  });

  it('a daily 09:30 session across the October change', () => {
    const daily = series({ rrule: 'FREQ=DAILY', dtstart: '2027-10-30T09:30', until: '2027-11-01' });
    expect(upcomingOccurrences(daily, [], NOW).map((o) => o.starts_at)).toEqual([
      '2027-10-30T09:30:00+02:00',
      '2027-10-31T09:30:00+01:00',
      '2027-11-01T09:30:00+01:00',
    ]);
  });

  it('a 2:30 start on the night clocks go forward is pushed past the gap, not dropped', () => {
    const daily = series({ rrule: 'FREQ=DAILY', dtstart: '2027-03-27T02:30', until: '2027-03-29' });
    const list = upcomingOccurrences(daily, [], NOW);
    expect(list.map((o) => o.date)).toEqual(['2027-03-27', '2027-03-28', '2027-03-29']);
    expect(list[1]?.starts_at).toBe('2027-03-28T03:30:00+02:00');
  });
});

describe('open-ended series', () => {
  it('expands a rolling horizon of at least 400 days', () => {
    const weekly = series({ rrule: 'FREQ=WEEKLY;BYDAY=MO', dtstart: '2026-01-05T10:00', until: undefined });
    const list = upcomingOccurrences(weekly, [], NOW);
    expect(OPEN_ENDED_HORIZON_DAYS).toBeGreaterThanOrEqual(400);
    const last = list.at(-1)!;
    const days = (Date.parse(last.starts_at) - NOW.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(393);
    expect(days).toBeLessThanOrEqual(OPEN_ENDED_HORIZON_DAYS + 1);
    expect(list.length).toBeGreaterThanOrEqual(57);
  });
});

describe('moved and cancelled occurrences', () => {
  const s = series();

  it('a move keeps the id, takes the new time and raises the sequence', () => {
    const { override, after } = applyOccurrenceChange(s, '2027-01-12', undefined, { starts_at: '2027-01-14T14:00:00+01:00' }, NOW);
    expect(override.sequence).toBe(1);
    expect(after).toMatchObject({ id: 'club-en-ligne-2027-01-12', starts_at: '2027-01-14T14:00:00+01:00', moved: true, sequence: 1 });
    const list = upcomingOccurrences(s, [override], NOW);
    expect(list[0]).toMatchObject({ id: 'club-en-ligne-2027-01-12', starts_at: '2027-01-14T14:00:00+01:00', ends_at: '2027-01-14T15:30:00+01:00' });
  });

  it('keeps the start before the last move (for the « Changement » email), and keeps it through other changes', () => {
    const moved = applyOccurrenceChange(s, '2027-01-12', undefined, { starts_at: '2027-01-14T14:00:00+01:00' }, NOW);
    expect(moved.override.previous_starts_at).toBe('2027-01-12T14:00:00+01:00');
    expect(moved.after.previous_starts_at).toBe('2027-01-12T14:00:00+01:00');
    const retitled = applyOccurrenceChange(s, '2027-01-12', moved.override, { topic: 'Autre sujet', duration_minutes: 60 }, NOW);
    expect(retitled.after.previous_starts_at).toBe('2027-01-12T14:00:00+01:00');
    const again = applyOccurrenceChange(s, '2027-01-12', retitled.override, { starts_at: '2027-01-15T10:00:00+01:00' }, NOW);
    expect(again.after).toMatchObject({ previous_starts_at: '2027-01-14T14:00:00+01:00', sequence: 3 });
    expect(applyOccurrenceChange(s, '2027-04-13', undefined, { topic: 'Sujet' }, NOW).after.previous_starts_at).toBeUndefined();
  });

  it('a topic alone keeps the sequence; a cancellation raises it again', () => {
    const first = applyOccurrenceChange(s, '2027-04-13', undefined, { topic: 'Le nouveau portail agent' }, NOW).override;
    expect(first.sequence).toBe(0);
    const second = applyOccurrenceChange(s, '2027-04-13', first, { cancelled: true }, NOW).override;
    expect(second).toMatchObject({ topic: 'Le nouveau portail agent', cancelled: true, sequence: 1 });
    const list = upcomingOccurrences(s, [second], NOW);
    expect(list.find((o) => o.date === '2027-04-13')).toMatchObject({ cancelled: true, topic: 'Le nouveau portail agent' });
    // Moving it to the same time again is no change.
    expect(applyOccurrenceChange(s, '2027-04-13', second, { starts_at: '2027-04-13T12:00:00Z' }, NOW).override.sequence).toBe(1);
  });

  it('the next occurrence skips a cancelled one', () => {
    const cancelled = applyOccurrenceChange(s, '2027-01-12', undefined, { cancelled: true }, NOW).override;
    expect(nextOccurrence(s, [cancelled], NOW)?.date).toBe('2027-04-13');
  });

  it('an occurrence moved from the past into the future shows again; a past one is found by date', () => {
    const moved: OccurrenceOverride = {
      series_id: s.id, date: '2027-01-12', starts_at: '2027-03-02T14:00:00+01:00', cancelled: false, sequence: 1, revision: 1, updated_at: NOW.toISOString(),
    };
    const at = new Date('2027-02-01T00:00:00Z');
    expect(upcomingOccurrences(s, [moved], at)[0]?.id).toBe('club-en-ligne-2027-01-12');
    expect(findOccurrence(s, [], '2027-01-12')?.starts_at).toBe('2027-01-12T14:00:00+01:00');
    expect(findOccurrence(s, [], '2027-01-13')).toBeUndefined();
  });

  it('a date the rule does not produce is an unknown occurrence', () => {
    expect(() => applyOccurrenceChange(s, '2027-01-13', undefined, { topic: 'x' }, NOW)).toThrow(/Séance inconnue/);
  });
});

describe('French wording', () => {
  it('data-source text and in-sentence date', () => {
    const o = upcomingOccurrences(series(), [], NOW)[0]!;
    expect(occurrenceLabel({ ...o, topic: 'Le nouveau portail agent' })).toBe(
      'Mardi 12 janvier 2027, 14 h 00 – 15 h 30 — Le nouveau portail agent',
    );
    expect(occurrenceWhenInSentence(o)).toBe('mardi 12 janvier 2027 à 14 h 00');
  });

  it('the first of the month is « 1er »', () => {
    const o = upcomingOccurrences(series({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=1', dtstart: '2027-10-01T09:05', until: '2027-10-01' }), [], NOW)[0]!;
    expect(occurrenceWhenInSentence(o)).toBe('vendredi 1er octobre 2027 à 9 h 05');
  });
});

describe('series schema', () => {
  const valid = {
    title: 'Sessions en ligne du club',
    timezone: 'Europe/Paris',
    rrule: QUARTERLY,
    dtstart: '2027-01-12T14:00',
    until: '2028-12-31',
    duration_minutes: '90',
    visio_url: 'https://visio.example.org/club-publik',
    default_topic: 'Session en ligne du club',
    reminders: [{ days_before: 7, at: '09:00' }, { days_before: '1', at: '9:00' }, { minutes_before: 60 }],
  };

  it('accepts the contract example, numbers as strings, and gives reminder ids', () => {
    const parsed = SeriesInputSchema.parse(valid);
    expect(parsed.duration_minutes).toBe(90);
    expect(parsed.reminders.map((r) => r.id)).toEqual(['7d-0900', '1d-0900', '60m']);
  });

  const issuesOf = (input: unknown) => {
    const r = SeriesInputSchema.safeParse(input);
    expect(r.success).toBe(false);
    return r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('refuses an invalid rule, naming the field, in French', () => {
    expect(issuesOf({ ...valid, rrule: 'FREQ=SOMETIMES' })).toEqual([{ path: 'rrule', message: expect.stringMatching(/Fréquence/) }]);
    expect(issuesOf({ ...valid, rrule: 'BYDAY=TU' })[0]).toMatchObject({ path: 'rrule', message: expect.stringMatching(/FREQ manque/) });
    expect(issuesOf({ ...valid, rrule: 'FREQ=MONTHLY;BYDAY=XX' })[0]).toMatchObject({ path: 'rrule' });
    expect(issuesOf({ ...valid, rrule: 'FREQ=DAILY;BYHOUR=9,14' })[0]).toMatchObject({ path: 'rrule' });
    expect(issuesOf({ ...valid, rrule: 'FREQ=HOURLY' })[0]).toMatchObject({ path: 'rrule' });
  });

  it('refuses a rule that produces no session', () => {
    expect(issuesOf({ ...valid, rrule: 'FREQ=MONTHLY;BYMONTHDAY=40' })).toEqual([{ path: 'rrule', message: expect.stringMatching(/BYMONTHDAY invalide/) }]);
    expect(issuesOf({ ...valid, rrule: 'FREQ=YEARLY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=29' })).toEqual([{ path: 'rrule', message: expect.stringMatching(/aucune séance/) }]);
    expect(issuesOf({ ...valid, rrule: 'FREQ=MONTHLY;INTERVAL=0' })[0]).toMatchObject({ path: 'rrule' });
    expect(issuesOf({ ...valid, rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', until: undefined })[0]).toMatchObject({ path: 'rrule' });
  });

  it('refuses an unknown time zone, a bad dtstart, until with count', () => {
    expect(issuesOf({ ...valid, timezone: 'Europe/Atlantis' })).toEqual([{ path: 'timezone', message: expect.stringMatching(/Fuseau horaire inconnu/) }]);
    expect(issuesOf({ ...valid, dtstart: '2027-01-12T14:00:00+01:00' })[0]).toMatchObject({ path: 'dtstart' });
    expect(issuesOf({ ...valid, count: 4 })[0]).toMatchObject({ path: 'count' });
  });

  it('refuses a reminder with no offset, or a duplicated one', () => {
    expect(issuesOf({ ...valid, reminders: [{ at: '09:00' }] })).toEqual([
      { path: 'reminders.0', message: expect.stringMatching(/Rappel sans délai/) },
    ]);
    expect(issuesOf({ ...valid, reminders: [{}] })[0]).toMatchObject({ path: 'reminders.0' });
    expect(issuesOf({ ...valid, reminders: [{ minutes_before: 60 }, { minutes_before: '60' }] })[0]).toMatchObject({ path: 'reminders.1' });
  });

  it('refuses a series with too many occurrences', () => {
    expect(issuesOf({ ...valid, rrule: 'FREQ=DAILY', until: '2035-01-01' })[0]).toMatchObject({ path: 'until' });
  });

  it('an open-ended series needs neither until nor count', () => {
    const { until: _until, ...open } = valid;
    expect(SeriesInputSchema.parse(open).until).toBeUndefined();
  });
});
