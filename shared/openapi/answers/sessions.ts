// What the online-session routes (and the reminder engine's report) answer in `data`, as zod
// schemas (see shared/openapi/answers/meetings.ts). From shared/domain/sessions/views.ts and
// shared/domain/reminders/delivery-report.ts; a series is answered as stored (SeriesSchema),
// without the zone offsets stored with it.
import * as z from 'zod';
import { SeriesSchema, SubscriptionSchema } from '#shared/domain/sessions/schema.ts';
import { absentAsNull } from '#shared/openapi/answers/stored.ts';

/** A series as answers show it: the stored definition without its zone offsets (views.ts). */
const SeriesDefinitionSchema = SeriesSchema.omit({ zone_offsets: true });

const instant = () => z.string().meta({ description: 'ISO 8601 instant' });
const count = () => z.int().min(0);

const occurrenceItemShape = {
  id: z.string().meta({ description: '`{seriesId}-{YYYY-MM-DD}`' }),
  text: z.string(),
  series_id: z.string(),
  starts_at: instant(),
  ends_at: instant(),
  topic: z.string(),
  cancelled: z.boolean(),
  disabled: z.boolean().optional(),
};

export const OccurrenceItemsSchema = z.array(z.object(occurrenceItemShape));

export const SubscribeAnswerSchema = z.object({
  subscription_id: z.string(),
  series_id: z.string(),
  status: z.literal('subscribed'),
  already_subscribed: z.boolean(),
  replayed: z.boolean(),
  next_session: z.object(occurrenceItemShape).nullable(),
  unsubscribe_url: z.string().nullable().meta({ description: 'The personal one-click link; null when already subscribed.' }),
});

export const UnsubscribeAnswerSchema = z.object({
  series_id: z.string(),
  status: z.literal('unsubscribed'),
  was_subscribed: z.boolean(),
  replayed: z.boolean(),
});

export const SeriesAnswerSchema = SeriesDefinitionSchema.extend({ created: z.boolean() });

export const OccurrenceAnswerSchema = z.object({
  ...occurrenceItemShape,
  visio_url: z.string(),
  moved: z.boolean(),
  sequence: count().meta({ description: 'Raised by each change (iCalendar SEQUENCE).' }),
});

export const SeriesAdminListSchema = z.array(
  SeriesDefinitionSchema.extend({
    bounded: z.boolean(),
    subscribers: count(),
    next_occurrences: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        starts_at: instant(),
        ends_at: instant(),
        topic: z.string(),
        visio_url: z.string(),
        cancelled: z.boolean(),
        moved: z.boolean(),
        sequence: count(),
      }),
    ),
  }),
);

// subscriptionAdminView: the stored subscription without its series, token and version.
export const SubscribersSchema = z.array(
  absentAsNull(SubscriptionSchema.omit({ series_id: true, token: true, version: true })).extend({
    subscribed_at: instant(),
    unsubscribed_at: instant().nullable(),
  }),
);

const deliveryStatus = () => z.enum(['sent', 'failed', 'skipped', 'sending']);

// One report shape for every subject of the reminder engine (occurrence, meeting, survey).
const deliveryLines = z.array(
  z.object({
    email: z.string().nullable().meta({ description: 'null: a message sent to nobody (`reason` `missed` or `superseded`).' }),
    kind: z.string().meta({ description: '`confirmation`, `reminder`, `update`, `cancellation` or `invitation`' }),
    rule: z.string().nullable(),
    sequence: count(),
    status: deliveryStatus(),
    at: instant(),
    reason: z
      .string()
      .nullable()
      .meta({ description: 'Why nothing was sent (`unsubscribed`, `cancelled`, `answered`…; `missed`: ticks were missed and a rule closer to the start was sent instead).' }),
  }),
);
const deliveryCounts = z.object({ sent: count(), failed: count(), skipped: count(), sending: count() });

export const DeliveryReportSchema = z.object({ occurrence_id: z.string(), deliveries: deliveryLines, counts: deliveryCounts });
export const MeetingDeliveryReportSchema = z.object({ meeting_id: z.string(), deliveries: deliveryLines, counts: deliveryCounts });
export const SurveyDeliveryReportSchema = z.object({ survey_id: z.string(), deliveries: deliveryLines, counts: deliveryCounts });
