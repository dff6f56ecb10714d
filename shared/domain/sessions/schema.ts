// Shapes of the online session series (contract-sessions.md): the organiser's series
// definition and occurrence changes, the subscription requests form designers send, and
// what is stored. Field names follow the contract (snake_case).
import { DateTime, IANAZone } from 'luxon';
import { isCalendarDate } from '#shared/domain/calendar-date.ts';
import { ZoneOffsetsSchema } from '#shared/domain/zone-offsets.ts';
import * as z from 'zod';
import { zBool, zEmail, zOptionalInt, zOptionalText, zSlug, zText, zTime } from '#shared/publik/coerce.ts';

export const httpUrl = (max = 500) =>
  zText({ max }).refine((v) => /^https?:\/\/[^\s]+$/i.test(v), { error: 'Adresse web (http ou https) attendue.' });

const optionalHttpUrl = (max = 500) =>
  zOptionalText({ max }).refine((v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v), {
    error: 'Adresse web (http ou https) attendue.',
  });

export const timezoneSchema = () =>
  z
    .preprocess((v) => (v === undefined || v === null || v === '' ? 'Europe/Paris' : v), z.string().max(64))
    .refine((tz) => IANAZone.isValidZone(tz), { error: 'Fuseau horaire inconnu (exemple : Europe/Paris).' });

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::00)?$/;

/** `YYYY-MM-DDTHH:MM` (local wall clock, no offset); `:00` seconds are accepted and dropped. */
export const localDateTime = () =>
  z.string({ error: 'Date et heure locales attendues (AAAA-MM-JJTHH:MM).' }).transform((v, ctx) => {
    const m = LOCAL_DATE_TIME.exec(v.trim());
    const normal = m ? `${m[1]}T${m[2]}:${m[3]}` : undefined;
    if (normal === undefined || !DateTime.fromISO(normal, { zone: 'UTC' }).isValid) {
      ctx.addIssue({ code: 'custom', message: 'Date et heure locales attendues (AAAA-MM-JJTHH:MM), sans fuseau.', input: v });
      return z.NEVER;
    }
    return normal;
  });

// ---------------------------------------------------------------------------------------
// Reminder rules

/** A reminder rule with its stable, readable id (`7d-0900`, `60m`). */
export type ReminderRule =
  | { id: string; days_before: number; at: string }
  | { id: string; minutes_before: number };

export function reminderRuleId(rule: { days_before: number; at: string } | { minutes_before: number }): string {
  return 'minutes_before' in rule ? `${rule.minutes_before}m` : `${rule.days_before}d-${rule.at.replace(':', '')}`;
}

const RawReminderSchema = z.object(
  {
    days_before: zOptionalInt({ min: 0, max: 90 }),
    at: z.preprocess((v) => (v === '' || v === null ? undefined : v), zTime().optional()),
    minutes_before: zOptionalInt({ min: 1, max: 60 * 24 * 7 }),
  },
  { error: 'Rappel attendu : {"days_before": 7, "at": "09:00"} ou {"minutes_before": 60}.' },
);

export const ReminderRuleSchema = RawReminderSchema.transform((r, ctx): ReminderRule => {
  const byDays = r.days_before !== undefined || r.at !== undefined;
  if (byDays && r.minutes_before !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'Un rappel a soit days_before et at, soit minutes_before, pas les deux.' });
    return z.NEVER;
  }
  if (r.minutes_before !== undefined) return { id: reminderRuleId({ minutes_before: r.minutes_before }), minutes_before: r.minutes_before };
  if (r.days_before !== undefined && r.at !== undefined) {
    return { id: reminderRuleId({ days_before: r.days_before, at: r.at }), days_before: r.days_before, at: r.at };
  }
  ctx.addIssue({
    code: 'custom',
    message: 'Rappel sans délai : indiquez days_before et at (HH:MM), ou minutes_before.',
  });
  return z.NEVER;
});

// ---------------------------------------------------------------------------------------
// Series

export const SeriesIdSchema = z.object({ seriesId: zSlug() });

export const ReminderRuleStoredSchema = z.union([
  z.object({ id: z.string(), days_before: z.number().int(), at: z.string() }),
  z.object({ id: z.string(), minutes_before: z.number().int() }),
]);

/** A series as stored and handed to the reminder engine. */
export const SeriesSchema = z.object({
  id: z.string(),
  title: z.string(),
  timezone: z.string(),
  rrule: z.string(),
  dtstart: z.string(),
  until: z.string().optional(),
  count: z.number().int().optional(),
  duration_minutes: z.number().int(),
  visio_url: z.string(),
  default_topic: z.string(),
  reminders: z.array(ReminderRuleStoredSchema),
  /**
   * The UTC offsets of `timezone` around the series' dates, computed when it is written (issue
   * 21): reading paths place local times with them, without Intl. Absent on series stored before
   * (luxon's IANA zone then answers); never shown in answers.
   */
  zone_offsets: ZoneOffsetsSchema.optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Series = z.output<typeof SeriesSchema>;

// ---------------------------------------------------------------------------------------
// Occurrences

const OCCURRENCE_ID = /^([a-z0-9][a-z0-9_-]{0,62})-(\d{4}-\d{2}-\d{2})$/;

/** `{seriesId}-{YYYY-MM-DD}` → its parts; undefined when it is not of that form. */
export function parseOccurrenceId(id: string): { seriesId: string; date: string } | undefined {
  const m = OCCURRENCE_ID.exec(id);
  if (!m || !isCalendarDate(m[2] as string)) return undefined;
  return { seriesId: m[1] as string, date: m[2] as string };
}

export const occurrenceId = (seriesId: string, date: string) => `${seriesId}-${date}`;

/** Any text in the path: one not of the `{seriesId}-{YYYY-MM-DD}` form is an unknown occurrence (404). */
export const OccurrenceIdSchema = z.object({ occurrenceId: z.string().min(1).max(120) });

const isoInstant = () =>
  z.iso.datetime({ offset: true, error: 'Date et heure attendues au format ISO 8601 avec fuseau (2027-01-14T14:00:00+01:00).' });

/** `PUT /admin/sessions/{occurrenceId}`: any subset of these. */
export const OccurrenceChangeSchema = z
  .object({
    topic: zOptionalText({ max: 200 }),
    starts_at: z.preprocess((v) => (v === '' || v === null ? undefined : v), isoInstant().optional()),
    duration_minutes: zOptionalInt({ min: 5, max: 24 * 60 }),
    visio_url: optionalHttpUrl(),
    cancelled: zBool(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), {
    error: 'Rien à changer : topic, starts_at, duration_minutes, visio_url ou cancelled.',
  });
export type OccurrenceChange = z.output<typeof OccurrenceChangeSchema>;

/** Per-occurrence changes, stored beside the series (kept when the series is replaced). */
export const OccurrenceOverrideSchema = z.object({
  series_id: z.string(),
  /** Local date of the rule instance (the occurrence id's date). */
  date: z.string(),
  topic: z.string().optional(),
  starts_at: z.string().optional(),
  /** The start before the last change of start (ISO 8601 with offset): the « Changement » email shows it. */
  previous_starts_at: z.string().optional(),
  duration_minutes: z.number().int().optional(),
  visio_url: z.string().optional(),
  cancelled: z.boolean().default(false),
  /**
   * Set when a replacement of the series dropped this announced date from the rule: the
   * occurrence stays as a cancelled one (so that its cancellation is sent and messages queued
   * for it are skipped; see replacement.ts). `filled` lists the fields the withdrawal wrote (the
   * old start and duration), dropped again if a later replacement brings the date back.
   */
  withdrawn: z
    .object({
      filled: z.array(z.enum(['starts_at', 'duration_minutes'])),
      /** The withdrawal cancelled it (false: the organiser had cancelled it before). */
      cancelled: z.boolean(),
    })
    .optional(),
  /** iCalendar SEQUENCE: raised on each change of time, duration or cancellation. */
  sequence: z.number().int().min(0),
  /** Optimistic concurrency: raised on every write of the override. */
  revision: z.number().int().min(1).default(1),
  updated_at: z.string(),
});
export type OccurrenceOverride = z.output<typeof OccurrenceOverrideSchema>;

// ---------------------------------------------------------------------------------------
// Subscriptions

const optionalSeriesId = () => z.preprocess((v) => (v === '' || v === null ? undefined : v), zSlug().optional());

export const SubscribeRequestSchema = z.object({
  form_uuid: zText({ max: 100 }),
  email: zEmail(),
  first_name: zOptionalText({ max: 100 }),
  last_name: zOptionalText({ max: 100 }),
  organisation: zOptionalText({ max: 200 }),
  user_name_id: zOptionalText({ max: 200 }),
  series_id: optionalSeriesId(),
});
export type SubscribeRequest = z.output<typeof SubscribeRequestSchema>;

export const UnsubscribeRequestSchema = z.object({
  email: zEmail(),
  series_id: optionalSeriesId(),
  form_uuid: zOptionalText({ max: 100 }),
});
export type UnsubscribeRequest = z.output<typeof UnsubscribeRequestSchema>;

export const SubscriptionStatusSchema = z.enum(['active', 'unsubscribed']);

/** One per (series, normalised email); kept when unsubscribed, so a resubscription keeps its id and link. */
export const SubscriptionSchema = z.object({
  subscriber_id: z.string(),
  series_id: z.string(),
  email: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  organisation: z.string().optional(),
  user_name_id: z.string().optional(),
  status: SubscriptionStatusSchema,
  /** Unguessable (256 bits, base64url): the credential of the one-click unsubscribe link. */
  token: z.string(),
  subscribed_at: z.string(),
  unsubscribed_at: z.string().optional(),
  /** Optimistic concurrency: raised on every write. */
  version: z.number().int().min(0),
});
export type Subscription = z.output<typeof SubscriptionSchema>;

/** What a w.c.s. form uuid did: a replay answers the same. */
export const FormMarkerSchema = z.object({
  form_uuid: z.string(),
  action: z.enum(['subscribe', 'unsubscribe']),
  series_id: z.string(),
  email: z.string(),
  subscriber_id: z.string().optional(),
  already_subscribed: z.boolean().optional(),
  was_subscribed: z.boolean().optional(),
  at: z.string(),
});
export type FormMarker = z.output<typeof FormMarkerSchema>;

export const TokenParamsSchema = z.object({ token: z.string().max(200) });
