// The organiser's series definition (PUT /admin/session-series/{seriesId}), checked against its
// recurrence rule. Apart from schema.ts, whose stored shapes every reader of the sessions
// context imports, so that only the functions defining series bundle the recurrence library.
import * as z from 'zod';
import { zDate, zInt, zOptionalInt, zOptionalText, zText } from '#shared/publik/coerce.ts';
import { MAX_OCCURRENCES, RuleExpansionLimitError, checkRuleText, ruleDates } from './recurrence.ts';
import { httpUrl, localDateTime, ReminderRuleSchema, timezoneSchema } from './schema.ts';

export const SeriesInputSchema = z
  .object({
    title: zText({ max: 200 }),
    timezone: timezoneSchema(),
    rrule: zText({ max: 500 }).superRefine((v, ctx) => {
      const problem = checkRuleText(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    dtstart: localDateTime(),
    until: z.preprocess((v) => (v === '' || v === null ? undefined : v), zDate().optional()),
    count: zOptionalInt({ min: 1, max: MAX_OCCURRENCES }),
    duration_minutes: zInt({ min: 5, max: 24 * 60 }),
    visio_url: httpUrl(),
    default_topic: zOptionalText({ max: 200 }),
    reminders: z.preprocess((v) => v ?? [], z.array(ReminderRuleSchema, { error: 'Liste de rappels attendue.' }).max(10)),
  })
  .superRefine((s, ctx) => {
    if (s.until !== undefined && s.count !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: 'Donnez until ou count, pas les deux.' });
    }
    if (s.until !== undefined && s.until < s.dtstart.slice(0, 10)) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until précède dtstart.' });
    }
    const seen = new Set<string>();
    s.reminders.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['reminders', i], message: `Rappel en double : ${r.id}.` });
      seen.add(r.id);
    });
    if (checkRuleText(s.rrule) === undefined) {
      // A rule that never matches (BYMONTH=2;BYMONTHDAY=30…) would make every later expansion
      // walk to its bound: refused here, once.
      const tenYears = `${Number(s.dtstart.slice(0, 4)) + 10}${s.dtstart.slice(4, 10)}`;
      try {
        if (ruleDates(s, { toDate: s.until ?? tenYears }).length === 0) {
          ctx.addIssue({ code: 'custom', path: ['rrule'], message: 'Cette règle ne produit aucune séance après dtstart.' });
        } else if ((s.until !== undefined || s.count !== undefined) && ruleDates(s).length > MAX_OCCURRENCES) {
          ctx.addIssue({ code: 'custom', path: ['until'], message: `Série trop longue : ${MAX_OCCURRENCES} séances au plus.` });
        }
      } catch (error) {
        if (!(error instanceof RuleExpansionLimitError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['rrule'], message: error.message });
      }
    }
  })
  .transform((s) => ({ ...s, rrule: s.rrule.replace(/^RRULE:/i, '').trim().toUpperCase(), default_topic: s.default_topic ?? s.title }));
export type SeriesInput = z.output<typeof SeriesInputSchema>;

