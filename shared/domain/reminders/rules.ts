// Reminder rules as organisers write them (`{"days_before": 7, "at": "09:00"}` or
// `{"minutes_before": 60}`), their stable readable ids (`7d-0900`, `60m`) and the instant a
// rule falls due for an event. Pure; shared by session series, meetings and (later) surveys.
import { DateTime, type Zone } from 'luxon';
import * as z from 'zod';
import { zInt, zTime } from '#shared/publik/coerce.ts';

const DaysBeforeSchema = z.object({ days_before: zInt({ min: 0, max: 365 }), at: zTime() });
const MinutesBeforeSchema = z.object({ minutes_before: zInt({ min: 1, max: 525_600 }) });

/** One rule of a `reminders` list, coerced like every w.c.s. value (numbers may come as strings). */
export const ReminderRuleSchema = z.union([DaysBeforeSchema, MinutesBeforeSchema], {
  error: 'Règle de rappel attendue : {"days_before": 7, "at": "09:00"} ou {"minutes_before": 60}.',
});
export type ReminderRule = z.output<typeof ReminderRuleSchema>;

/** A `reminders` list: at most 10 rules, no two with the same id. Absent or null: none. */
export const ReminderRulesSchema = z.preprocess(
  (v) => (v === null || v === '' ? undefined : v),
  z
    .array(ReminderRuleSchema, { error: 'Liste de règles de rappel attendue.' })
    .max(10, { error: 'Au plus 10 règles de rappel.' })
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((rule, i) => {
        const id = ruleId(rule);
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: `Règle de rappel en double : ${id}.` });
        seen.add(id);
      });
    })
    .optional(),
);

/** Stored form of a rule (what MeetingSchema and the session series keep). */
export const StoredReminderRuleSchema = z.union([
  z.object({ days_before: z.number().int(), at: z.string() }),
  z.object({ minutes_before: z.number().int() }),
]);

/** `7d-0900`, `1d-1830`, `60m`: stable, readable, unique within a list. */
export function ruleId(rule: ReminderRule): string {
  return 'minutes_before' in rule ? `${rule.minutes_before}m` : `${rule.days_before}d-${rule.at.replace(':', '')}`;
}

/**
 * When `rule` falls due for an event starting at `startsAt`: `days_before n at HH:MM` is the
 * wall-clock time HH:MM in `zone` (a name, or a zone answering from stored offsets), n days before the event's local date (so « 1 day before at
 * 09:00 » stays 09:00 across a daylight-saving change); `minutes_before n` is relative to the
 * start instant. An HH:MM that does not exist that day (spring forward) moves forward with luxon.
 */
export function ruleDueAt(rule: ReminderRule, startsAt: Date, zone: string | Zone): Date {
  if ('minutes_before' in rule) return new Date(startsAt.getTime() - rule.minutes_before * 60_000);
  const [hour, minute] = rule.at.split(':').map(Number) as [number, number];
  const localDay = DateTime.fromJSDate(startsAt, { zone }).startOf('day').minus({ days: rule.days_before });
  return localDay.set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}
