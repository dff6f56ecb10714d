// Registration shapes: the request form designers send (contract.md, "Registration body
// fields") and the registration as stored.
import * as z from 'zod';
import { CheckinTokenRecordSchema } from './checkin-token.ts';
import { zBool, zDate, zEmail, zEnum, zList, zOptionalText, zSlug, zText } from '#shared/publik/coerce.ts';

const optionalUrl = () =>
  zOptionalText({ max: 2000 }).refine((v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v), {
    error: 'Adresse web (http ou https) attendue.',
  });

export const PROFILES = ['newcomer', 'expert'] as const;
export const IMAGE_RIGHTS = ['accepted', 'refused'] as const;

export const RegistrationRequestSchema = z.object({
  form_uuid: zText({ max: 100 }),
  form_number: zOptionalText({ max: 100 }),
  form_url: optionalUrl(),
  callback_url: optionalUrl(),
  user_name_id: zOptionalText({ max: 200 }),
  email: zEmail(),
  first_name: zOptionalText({ max: 100 }),
  last_name: zText({ max: 100 }),
  organisation: zText({ max: 200 }),
  organisation_kind: zOptionalText({ max: 100 }),
  job_title: zOptionalText({ max: 200 }),
  phone: zOptionalText({ max: 40 }),
  profile: z.preprocess((v) => (v === '' || v === null ? undefined : v), zEnum(PROFILES).optional()),
  // Bounded like the meeting itself (10 days, 60 workshops): a request never names more.
  onsite_days: zList(zDate(), { max: 10 }),
  remote_days: zList(zDate(), { max: 10 }),
  workshops: zList(zSlug(), { max: 60 }),
  evening_event: zBool().transform((v) => v ?? false),
  image_rights: z.preprocess((v) => (v === '' || v === null ? undefined : v), zEnum(IMAGE_RIGHTS).optional()),
  badge_name: zOptionalText({ max: 60 }),
  dietary_requirements: zOptionalText({ max: 500 }),
  accessibility_needs: zOptionalText({ max: 500 }),
});
export type RegistrationRequest = z.output<typeof RegistrationRequestSchema>;

export const ItemStatusSchema = z.enum(['confirmed', 'waiting']);
export type ItemStatus = z.infer<typeof ItemStatusSchema>;

/** One place (or waiting ticket) a registration holds on a capacity item. */
export const HeldItemSchema = z.object({
  key: z.string(),
  status: ItemStatusSchema,
  /** Waiting-list ticket (FIFO order) while waiting. */
  ticket: z.number().int().optional(),
  /**
   * Where an organiser moved the request in its waiting list: the waiting entry's sort key
   * (waiting-order.ts). Absent: the ticket's own key, in order of arrival.
   */
  rank: z.string().optional(),
});
export type HeldItem = z.infer<typeof HeldItemSchema>;

export const RegistrationSchema = z.object({
  id: z.string(),
  meeting_id: z.string(),
  /** Unguessable; authorises the personal links (iCalendar file). */
  access_token: z.string(),
  form_uuid: z.string(),
  form_number: z.string().optional(),
  form_url: z.string().optional(),
  callback_url: z.string().optional(),
  user_name_id: z.string().optional(),
  email: z.string(),
  first_name: z.string().optional(),
  last_name: z.string(),
  organisation: z.string(),
  organisation_kind: z.string().optional(),
  job_title: z.string().optional(),
  phone: z.string().optional(),
  profile: z.enum(PROFILES).optional(),
  badge_name: z.string().optional(),
  dietary_requirements: z.string().optional(),
  accessibility_needs: z.string().optional(),
  image_rights: z
    .object({ answer: z.enum(IMAGE_RIGHTS), notice_version: z.number().int(), answered_at: z.string() })
    .optional(),
  days: z.array(z.object({ date: z.string(), mode: z.enum(['onsite', 'remote']) })),
  workshops: z.array(z.string()),
  evening_event: z.boolean(),
  /** Places and waiting tickets held, by item key. Workshops waiting for their day hold nothing. */
  items: z.array(HeldItemSchema),
  /**
   * The workshops chosen are counted in their items' `chosen` (allocation.ts, countedChoices).
   * Absent on registrations stored before the counts existed: counted at their next change.
   */
  choices_counted: z.boolean().optional(),
  state: z.enum(['active', 'cancelled']),
  /** Fingerprint of the last request: the same form sent again with it is a replay. */
  request_hash: z.string(),
  checked_in: z.record(z.string(), z.string()).default({}),
  /**
   * The check-in token's generation and hash (never the token: checkin-token.ts). Absent on
   * registrations stored before badges existed: created on their first badge print.
   */
  checkin_token: CheckinTokenRecordSchema.optional(),
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  cancelled_at: z.string().optional(),
  /**
   * Set when the identity was erased (retention purge or erasure request, shared/domain/people):
   * the personal fields are empty, counts and choices stay. Written once, under a condition.
   */
  anonymised_at: z.string().optional(),
});
export type Registration = z.output<typeof RegistrationSchema>;

export const RegistrationIdSchema = z.object({
  registrationId: z.string().regex(/^r[a-z0-9]{20,40}$/, { error: 'Identifiant d’inscription invalide.' }),
});
