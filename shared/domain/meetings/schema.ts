// Shapes of a meeting as organisers define it (PUT /admin/meetings/{meetingId}) and as it is
// stored. Field names follow the public contract (snake_case) so that what an organiser sends,
// what is stored and what data sources show are the same words.
import { IANAZone } from 'luxon';
import * as z from 'zod';
import { ReminderRulesSchema, StoredReminderRuleSchema } from '#shared/domain/reminders/rules.ts';
import { zBool, zDate, zInt, zOptionalInt, zOptionalText, zSlug, zText, zTime } from '#shared/publik/coerce.ts';

const flag = () => zBool().transform((v) => v ?? false);
const capacity = () => zInt({ min: 0, max: 100_000 });
const optionalCapacity = () =>
  z.preprocess((v) => (v === null || v === '' ? undefined : v), capacity().optional());

const isoInstant = () =>
  z.iso.datetime({ offset: true, error: 'Date et heure attendues au format ISO 8601 avec fuseau (2025-04-01T00:00:00+02:00).' });

const HTTP_URL = /^https?:\/\/[^\s]+$/i;
const optionalHttpUrl = () =>
  zOptionalText({ max: 500 }).refine((v) => v === undefined || HTTP_URL.test(v), { error: 'Adresse web (http ou https) attendue.' });

const OFFSET = /^(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)$/;
/** A start in the recording, `H:MM:SS` or `MM:SS`, as seconds. */
const zOffset = () =>
  zText({ max: 8 }).transform((v, ctx) => {
    const m = OFFSET.exec(v);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'Début attendu au format H:MM:SS ou MM:SS (exemple : 1:05:30).' });
      return z.NEVER;
    }
    return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  });

/** One talk of a day's recording: its title, where it starts, its slides. */
export const ChapterSchema = z.object({
  title: zText({ max: 200 }),
  start: zOffset(),
  slides_url: optionalHttpUrl(),
});

export const DaySchema = z.object({
  date: zDate(),
  label: zOptionalText({ max: 80 }),
  onsite_capacity: capacity(),
  waiting_list: flag(),
  /** Absent: remote attendance is unlimited. */
  remote_capacity: optionalCapacity(),
  /**
   * The day's video link, for the people attending it remotely only: in their reminders and
   * their .ics, never in a data source nor a list.
   */
  visio_url: optionalHttpUrl(),
  /**
   * After the day: its recording, and the programme's chapters in it. Setting it emails everyone
   * registered for the day (on site and remote) once, after the day's end.
   */
  recording_url: optionalHttpUrl(),
  programme: z.preprocess((v) => v ?? [], z.array(ChapterSchema).max(40)),
});

export const WorkshopSchema = z.object({
  id: zSlug(),
  day: zDate(),
  title: zText({ max: 200 }),
  description: zOptionalText({ max: 2000 }),
  starts_at: zTime(),
  ends_at: zTime(),
  capacity: capacity(),
  waiting_list: flag(),
});

export const EveningEventSchema = z.object({
  date: zDate(),
  title: zOptionalText({ max: 200 }).transform((v) => v ?? 'Soirée'),
  starts_at: z.preprocess((v) => (v === null || v === '' ? undefined : v), zTime().optional()),
  venue: zOptionalText({ max: 200 }),
  capacity: capacity(),
  waiting_list: flag(),
});

/** How long personal data is kept after a meeting's last day or a campaign's close (contract-rgpd.md). */
export const DEFAULT_RETENTION_DAYS = 365;

export const MeetingInputSchema = z
  .object({
    title: zText({ max: 200 }),
    venue: zText({ max: 200 }),
    description: zOptionalText({ max: 4000 }),
    timezone: z
      .preprocess((v) => (v === undefined || v === null || v === '' ? 'Europe/Paris' : v), z.string())
      .refine((tz) => IANAZone.isValidZone(tz), { error: 'Fuseau horaire inconnu (exemple : Europe/Paris).' }),
    registration_opens_at: isoInstant(),
    registration_closes_at: isoInstant(),
    image_rights_notice: zOptionalText({ max: 2000 }),
    days: z.array(DaySchema, { error: 'Liste de jours attendue.' }).min(1, { error: 'Au moins un jour est requis.' }).max(10),
    workshops: z.preprocess((v) => v ?? [], z.array(WorkshopSchema).max(60)),
    evening_event: z.preprocess((v) => (v === null ? undefined : v), EveningEventSchema.optional()),
    /** Lets a capacity fall below the places already confirmed (the answer lists those items). */
    allow_overbooking: flag(),
    /** Reminders to registrants before the first day (the reminder engine). */
    reminders: ReminderRulesSchema,
    /**
     * A confirmation email with the personal .ics on each new registration. Off by default: the
     * w.c.s. workflow usually sends its own.
     */
    send_confirmation: flag(),
    /** Days after the last day before registrations are anonymised (docs/organisers.md, RGPD). */
    retention_days: zOptionalInt({ min: 1, max: 3650 }).transform((v) => v ?? DEFAULT_RETENTION_DAYS),
  })
  .superRefine((m, ctx) => {
    if (Date.parse(m.registration_opens_at) >= Date.parse(m.registration_closes_at)) {
      ctx.addIssue({
        code: 'custom',
        path: ['registration_closes_at'],
        message: 'La clôture des inscriptions doit suivre leur ouverture.',
      });
    }
    const dates = new Set<string>();
    m.days.forEach((day, i) => {
      if (dates.has(day.date)) {
        ctx.addIssue({ code: 'custom', path: ['days', i, 'date'], message: `Jour en double : ${day.date}.` });
      }
      dates.add(day.date);
    });
    const ids = new Set<string>();
    m.workshops.forEach((w, i) => {
      if (ids.has(w.id)) ctx.addIssue({ code: 'custom', path: ['workshops', i, 'id'], message: `Atelier en double : ${w.id}.` });
      ids.add(w.id);
      if (!dates.has(w.day)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workshops', i, 'day'],
          message: `Le jour ${w.day} ne fait pas partie des jours de la réunion.`,
        });
      }
      if (w.starts_at >= w.ends_at) {
        ctx.addIssue({ code: 'custom', path: ['workshops', i, 'ends_at'], message: 'L’atelier doit finir après son début.' });
      }
    });
  });

export type MeetingInput = z.output<typeof MeetingInputSchema>;
export type Day = z.output<typeof DaySchema>;
export type Workshop = z.output<typeof WorkshopSchema>;
export type EveningEvent = z.output<typeof EveningEventSchema>;

/** A meeting as stored: the organiser's definition plus identity and versions. */
export const MeetingSchema = z.object({
  id: z.string(),
  title: z.string(),
  venue: z.string(),
  description: z.string().optional(),
  timezone: z.string(),
  registration_opens_at: z.string(),
  registration_closes_at: z.string(),
  image_rights_notice: z.string().optional(),
  /** Raised each time the notice text changes; registrations record the version they accepted. */
  image_rights_notice_version: z.number().int(),
  days: z.array(
    z.object({
      date: z.string(),
      label: z.string(),
      onsite_capacity: z.number().int(),
      waiting_list: z.boolean(),
      remote_capacity: z.number().int().optional(),
      visio_url: z.string().optional(),
      recording_url: z.string().optional(),
      programme: z.array(z.object({ title: z.string(), offset_seconds: z.number().int(), slides_url: z.string().optional() })).optional(),
    }),
  ),
  workshops: z.array(
    z.object({
      id: z.string(),
      day: z.string(),
      title: z.string(),
      description: z.string().optional(),
      starts_at: z.string(),
      ends_at: z.string(),
      capacity: z.number().int(),
      waiting_list: z.boolean(),
    }),
  ),
  evening_event: z
    .object({
      date: z.string(),
      title: z.string(),
      starts_at: z.string().optional(),
      venue: z.string().optional(),
      capacity: z.number().int(),
      waiting_list: z.boolean(),
    })
    .optional(),
  reminders: z.array(StoredReminderRuleSchema).optional(),
  send_confirmation: z.boolean().optional(),
  /** Absent on meetings stored before retention existed: DEFAULT_RETENTION_DAYS. */
  retention_days: z.number().int().optional(),
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Meeting = z.output<typeof MeetingSchema>;

export const MeetingIdSchema = z.object({ meetingId: zSlug() });
