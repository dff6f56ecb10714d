import { describe, expect, it } from 'vitest';
import type { DispatchRecord } from '#shared/domain/reminders/model.ts';
import { planSeries, type SessionOccurrenceView, type SessionSeriesView } from '#shared/domain/sessions/reminder-source.ts';
import { ReminderRulesSchema, ruleDueAt, ruleId } from '#shared/domain/reminders/rules.ts';

const series: SessionSeriesView = {
  id: 'club',
  title: 'Sessions en ligne du club',
  timezone: 'Europe/Paris',
  reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '09:00' }, { minutes_before: 60 }],
};

const occurrence = (over: Partial<SessionOccurrenceView> = {}): SessionOccurrenceView => ({
  id: 'club-2027-01-12',
  series_id: 'club',
  starts_at: '2027-01-12T14:00:00+01:00',
  ends_at: '2027-01-12T15:30:00+01:00',
  topic: 'Le nouveau portail agent',
  visio_url: 'https://visio.example.org/club',
  cancelled: false,
  sequence: 0,
  ...over,
});

const record = (over: Partial<DispatchRecord>): DispatchRecord => ({
  subject: 'club-2027-01-12',
  kind: 'reminder',
  rule: '7d-0900',
  sequence: 0,
  dueAt: '2027-01-05T08:00:00.000Z',
  startsAt: '2027-01-12T13:00:00.000Z',
  status: 'done',
  queued: 3,
  ...over,
});

describe('reminder rules', () => {
  it('have stable readable ids', () => {
    expect(series.reminders.map(ruleId)).toEqual(['7d-0900', '1d-0900', '60m']);
  });

  it('fall due at local wall-clock time n days before, across a daylight-saving change', () => {
    // 2027-03-28: Paris goes to summer time. A session on Tuesday 30 March at 14:00 (+02:00).
    const start = new Date('2027-03-30T12:00:00Z');
    expect(ruleDueAt({ days_before: 7, at: '09:00' }, start, 'Europe/Paris').toISOString()).toBe('2027-03-23T08:00:00.000Z');
    expect(ruleDueAt({ days_before: 1, at: '09:00' }, start, 'Europe/Paris').toISOString()).toBe('2027-03-29T07:00:00.000Z');
    expect(ruleDueAt({ minutes_before: 60 }, start, 'Europe/Paris').toISOString()).toBe('2027-03-30T11:00:00.000Z');
  });

  it('are validated with French messages: coerced numbers, no duplicates, at most 10', () => {
    expect(ReminderRulesSchema.parse([{ days_before: '2', at: '08:30' }, { minutes_before: '15' }])).toEqual([
      { days_before: 2, at: '08:30' },
      { minutes_before: 15 },
    ]);
    const duplicate = ReminderRulesSchema.safeParse([{ minutes_before: 60 }, { minutes_before: '60' }]);
    expect(duplicate.success).toBe(false);
    expect(JSON.stringify(duplicate.error?.issues)).toContain('Règle de rappel en double : 60m.');
    expect(ReminderRulesSchema.safeParse([{ days_before: 1 }]).success).toBe(false);
    expect(ReminderRulesSchema.parse(null)).toBeUndefined();
  });
});

describe('due pairs of a session series', () => {
  it('sends nothing before the first rule and points to it as the next due instant', () => {
    const plan = planSeries(series, [occurrence()], [], new Date('2027-01-01T00:00:00Z'));
    expect(plan).toEqual({ fanOut: [], skip: [], nextDueAt: '2027-01-05T08:00:00.000Z' });
  });

  it('sends a rule once it is due, then points to the next rule', () => {
    const now = new Date('2027-01-05T08:02:00Z');
    const plan = planSeries(series, [occurrence()], [], now);
    expect(plan.fanOut).toEqual([
      {
        subject: 'club-2027-01-12',
        kind: 'reminder',
        rule: '7d-0900',
        sequence: 0,
        dueAt: '2027-01-05T08:00:00.000Z',
        startsAt: '2027-01-12T13:00:00.000Z',
      },
    ]);
    expect(plan.skip).toEqual([]);
    expect(plan.nextDueAt).toBe('2027-01-11T08:00:00.000Z');
    // Recorded: nothing more until the next rule.
    const again = planSeries(series, [occurrence()], [record({})], now);
    expect(again).toEqual({ fanOut: [], skip: [], nextDueAt: '2027-01-11T08:00:00.000Z' });
  });

  it('after missed ticks sends only the rule closest to the start and skips the others', () => {
    const now = new Date('2027-01-12T12:30:00Z'); // after 60m's due time (12:00Z), before the start
    const plan = planSeries(series, [occurrence()], [], now);
    expect(plan.fanOut.map((d) => d.rule)).toEqual(['60m']);
    expect(plan.skip.map((d) => [d.rule, d.reason])).toEqual([
      ['1d-0900', 'missed'],
      ['7d-0900', 'missed'],
    ]);
    expect(plan.nextDueAt).toBeNull();
  });

  it('skips a due rule farther from the start than one already sent for this time', () => {
    const now = new Date('2027-01-11T08:10:00Z');
    const history = [record({ rule: '1d-0900', dueAt: '2027-01-11T08:00:00.000Z' })];
    const plan = planSeries(series, [occurrence()], history, now);
    expect(plan.fanOut).toEqual([]);
    expect(plan.skip.map((d) => d.rule)).toEqual(['7d-0900']);
  });

  it('sends nothing for a past occurrence', () => {
    const plan = planSeries(series, [occurrence()], [], new Date('2027-01-12T13:00:00Z'));
    expect(plan).toEqual({ fanOut: [], skip: [], nextDueAt: null });
  });

  it('announces a move with an update and makes the rules sent for the old time due again for the new time', () => {
    // 7d and 1d were sent for the 12th; the session moves to Thursday 14th, 14:00 (sequence 1).
    const history = [record({}), record({ rule: '1d-0900', dueAt: '2027-01-11T08:00:00.000Z' })];
    const moved = occurrence({ starts_at: '2027-01-14T14:00:00+01:00', ends_at: '2027-01-14T15:30:00+01:00', sequence: 1 });
    const at = new Date('2027-01-11T10:00:00Z');
    const plan = planSeries(series, [moved], history, at);
    expect(plan.fanOut.map((d) => [d.kind, d.sequence, d.startsAt])).toEqual([['update', 1, '2027-01-14T13:00:00.000Z']]);
    // 7d-0900 for the 14th (the 7th) is already past: superseded by the update, recorded skipped.
    expect(plan.skip.map((d) => [d.rule, d.reason])).toEqual([['7d-0900', 'superseded']]);
    // 1d-0900 falls due again, for the new time: the 13th at 09:00 Paris.
    expect(plan.nextDueAt).toBe('2027-01-13T08:00:00.000Z');

    const after = [...history, { ...record({ kind: 'update', rule: null, sequence: 1, startsAt: '2027-01-14T13:00:00.000Z' }) }];
    const later = planSeries(series, [moved], after, new Date('2027-01-13T08:01:00Z'));
    expect(later.fanOut.map((d) => [d.kind, d.rule, d.sequence])).toEqual([['reminder', '1d-0900', 1]]);
    expect(later.skip.map((d) => d.rule)).toEqual(['7d-0900']);
  });

  it('announces a cancellation once and sends no further reminder', () => {
    const cancelled = occurrence({ cancelled: true, sequence: 2 });
    const now = new Date('2027-01-11T08:30:00Z'); // the 1d rule would be due
    const plan = planSeries(series, [cancelled], [record({})], now);
    expect(plan.fanOut.map((d) => [d.kind, d.rule, d.sequence])).toEqual([['cancellation', null, 2]]);
    expect(plan.skip).toEqual([]);
    expect(plan.nextDueAt).toBeNull();
    const done = planSeries(series, [cancelled], [record({}), record({ kind: 'cancellation', rule: null, sequence: 2 })], now);
    expect(done).toEqual({ fanOut: [], skip: [], nextDueAt: null });
  });

  it('plans hundreds of occurrences and gives the earliest instant ahead', () => {
    const many = Array.from({ length: 400 }, (_, i) => {
      const day = new Date(Date.UTC(2027, 0, 12 + i * 7, 13));
      const iso = day.toISOString();
      return occurrence({ id: `club-${iso.slice(0, 10)}`, starts_at: iso, ends_at: new Date(day.getTime() + 5_400_000).toISOString() });
    });
    const plan = planSeries(series, many, [], new Date('2027-01-01T00:00:00Z'));
    expect(plan.fanOut).toEqual([]);
    expect(plan.nextDueAt).toBe('2027-01-05T08:00:00.000Z');
  });
});
