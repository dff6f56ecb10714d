// What the meeting and registration routes answer in `data`, as zod schemas (the OpenAPI
// document's response schemas; the e2e suite holds every answer to them). Built by hand from the
// views (shared/domain/meetings/views.ts, registrations/answer.ts, registrations/exports.ts):
// when a view changes, its schema here changes with it, or the e2e suite fails.
import * as z from 'zod';

const date = () => z.string().meta({ description: '`YYYY-MM-DD`', examples: ['2025-06-07'] });
const instant = () => z.string().meta({ description: 'ISO 8601 instant' });
const time = () => z.string().meta({ description: '`HH:MM`' });
const count = () => z.int().min(0);

/** Live places of a capacity item (shared/domain/meetings/items.ts `Places`). */
export const PlacesSchema = z.object({
  total: count().nullable().meta({ description: 'null: unlimited' }),
  reserved: count(),
  available: count().nullable(),
  full: z.boolean(),
  has_waiting_list: z.boolean(),
  waiting_list_total: count().nullable(),
  waiting_list_reserved: count(),
  waiting_list_available: count().nullable(),
  waiting_list_activated: z.boolean().meta({ description: 'The next request goes to the waiting list.' }),
});

const dataSourceItem = {
  id: z.string(),
  text: z.string().meta({ description: 'What the form shows (French).' }),
  disabled: z.boolean().optional().meta({ description: 'Shown but not selectable.' }),
};

export const MeetingItemsSchema = z.array(
  z.object({
    ...dataSourceItem,
    title: z.string(),
    venue: z.string(),
    dates: z.array(date()),
    registration_opens_at: instant(),
    registration_closes_at: instant(),
    registration_open: z.boolean(),
  }),
);

export const DayItemsSchema = z.array(
  z.object({ ...dataSourceItem, date: date(), label: z.string(), places: PlacesSchema, remote_places: PlacesSchema }),
);

export const WorkshopItemsSchema = z.array(
  z.object({
    ...dataSourceItem,
    title: z.string(),
    day: date(),
    starts_at: time(),
    ends_at: time(),
    description: z.string().optional(),
    places: PlacesSchema,
  }),
);

const WorkshopSchema = z.object({
  id: z.string(),
  day: date(),
  title: z.string(),
  description: z.string().optional(),
  starts_at: time(),
  ends_at: time(),
  capacity: count(),
  waiting_list: z.boolean(),
});

const meetingViewShape = {
  id: z.string(),
  title: z.string(),
  venue: z.string(),
  description: z.string().optional(),
  timezone: z.string(),
  registration_opens_at: instant(),
  registration_closes_at: instant(),
  registration_open: z.boolean(),
  image_rights_notice: z.string().optional(),
  image_rights_notice_version: z.int().optional(),
  days: z.array(
    z.object({
      date: date(),
      label: z.string(),
      onsite_capacity: count(),
      waiting_list: z.boolean(),
      remote_capacity: count().nullable(),
      places: PlacesSchema,
      remote_places: PlacesSchema,
    }),
  ),
  workshops: z.array(WorkshopSchema.extend({ places: PlacesSchema })),
  evening_event: z
    .object({
      date: date(),
      title: z.string(),
      starts_at: time().optional(),
      venue: z.string().optional(),
      capacity: count(),
      waiting_list: z.boolean(),
      places: PlacesSchema,
    })
    .nullable(),
  retention_days: count().meta({ description: 'Days after the last day before registrations are anonymised (RGPD).' }),
};

export const MeetingViewSchema = z.object(meetingViewShape);

export const PutMeetingAnswerSchema = z.object({
  ...meetingViewShape,
  created: z.boolean(),
  promoted: count().meta({ description: 'Waiting requests let in by a raised capacity.' }),
  overbooked: z
    .array(z.object({ item: z.string(), capacity: count(), confirmed: count() }))
    .optional()
    .meta({ description: 'With `allow_overbooking`: the items holding more people than places.' }),
});

const ItemCountSchema = z.object({ capacity: count().nullable(), confirmed: count(), waiting: count(), available: count().nullable() });

export const MeetingCountsSchema = z.object({
  registrations: z.object({
    active: count(),
    cancelled: count(),
    confirmed: count(),
    partial: count(),
    waiting: count(),
    image_rights_refused: count(),
  }),
  days: z.array(z.object({ date: date(), label: z.string(), onsite: ItemCountSchema, remote: ItemCountSchema, checked_in: count() })),
  workshops: z.array(ItemCountSchema.extend({ id: z.string(), title: z.string(), day: date(), waiting_for_day: count() })),
  evening_event: ItemCountSchema.extend({ date: date(), title: z.string() }).nullable(),
  /** Who came per day: checked in (by badge or id, forced ones included) out of those confirmed on site. */
  attendance: z.array(z.object({ date: date(), label: z.string(), checked_in: count(), confirmed_onsite: count() })),
});

export const AdminMeetingViewSchema = z.object({ ...meetingViewShape, counts: MeetingCountsSchema });

const itemState = {
  status: z.enum(['confirmed', 'waiting', 'cancelled']),
  waiting_position: z.int().min(1).nullable().meta({ description: '1 = next to be promoted; null when not waiting.' }),
};

const registrationAnswerShape = {
  registration_id: z.string(),
  meeting_id: z.string(),
  status: z
    .enum(['confirmed', 'partial', 'waiting', 'cancelled'])
    .meta({ description: '`waiting`: every on-site day waits; `partial`: some item waits.' }),
  in_waiting_list: z.boolean().meta({ description: 'Anything waits.' }),
  email: z.string(),
  days: z.array(z.object({ date: date(), mode: z.enum(['onsite', 'remote']), ...itemState })),
  workshops: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      ...itemState,
      waiting_for_day: z.boolean().meta({ description: 'Chosen while its day waits: no place nor position yet.' }),
    }),
  ),
  evening_event: z.object(itemState).nullable(),
  image_rights: z.enum(['accepted', 'refused']).nullable(),
};

export const RegistrationAnswerSchema = z.object({
  ...registrationAnswerShape,
  replayed: z.boolean().meta({ description: 'This exact request was already processed.' }),
  api: z.object({
    status_url: z.string(),
    update_url: z.string(),
    cancel_url: z.string(),
    ics_url: z.string().meta({ description: 'The personal calendar link (carries its token).' }),
  }),
});

export const CancellationAnswerSchema = RegistrationAnswerSchema;

const nullableText = () => z.string().nullable();

export const RegistrationListSchema = z.array(
  z.object({
    ...registrationAnswerShape,
    first_name: nullableText(),
    last_name: z.string(),
    organisation: z.string(),
    organisation_kind: nullableText(),
    job_title: nullableText(),
    phone: nullableText(),
    profile: z.enum(['newcomer', 'expert']).nullable(),
    badge_name: nullableText(),
    dietary_requirements: nullableText(),
    accessibility_needs: nullableText(),
    image_rights_notice_version: z.int().nullable(),
    image_rights_answered_at: instant().nullable(),
    checked_in: z.record(z.string(), instant()).meta({ description: 'Arrival instant by day.' }),
    form_number: nullableText(),
    form_url: nullableText(),
    created_at: instant(),
    updated_at: instant(),
    cancelled_at: instant().nullable(),
  }),
);

const listEntry = {
  status: z.enum(['confirmed', 'waiting', 'waiting_for_day']),
  waiting_position: z.int().min(1).nullable(),
  registration_id: z.string(),
  last_name: z.string(),
  first_name: nullableText(),
  organisation: z.string(),
  email: z.string(),
};

export const WorkshopRosterSchema = z.object({
  workshop: z.object({
    id: z.string(),
    title: z.string(),
    day: date(),
    day_label: z.string(),
    starts_at: time(),
    ends_at: time(),
    capacity: count(),
  }),
  entries: z.array(
    z.object({
      ...listEntry,
      profile: z.enum(['newcomer', 'expert']).nullable(),
      accessibility_needs: nullableText(),
      checked_in_at: instant().nullable(),
    }),
  ),
});

export const EveningListSchema = z.object({
  evening_event: z.object({ date: date(), title: z.string(), starts_at: time().nullable(), capacity: count() }),
  entries: z.array(z.object({ ...listEntry, dietary_requirements: nullableText(), accessibility_needs: nullableText() })),
});

export const ImageRightsRefusalsSchema = z.array(
  z.object({
    registration_id: z.string(),
    last_name: z.string(),
    first_name: nullableText(),
    organisation: z.string(),
    badge_name: nullableText(),
    profile: z.enum(['newcomer', 'expert']).nullable(),
    onsite_days: z.array(z.object({ date: date(), label: z.string(), status: z.enum(['confirmed', 'waiting']) })),
    notice_version: z.int().nullable(),
    answered_at: instant().nullable(),
  }),
);

export const CheckInAnswerSchema = z.object({
  registration_id: z.string(),
  day: date(),
  checked_in_at: instant(),
  already_checked_in: z.boolean(),
  checked_in: z.record(z.string(), instant()),
});

/** POST /admin/meetings/{meetingId}/messages: the stored message, fanned out by the next reminder tick. */
export const MeetingMessageAnswerSchema = z.object({
  message_id: z.string(),
  meeting_id: z.string(),
  subject: z.string(),
  audience: z.enum(['everyone', 'onsite', 'workshop', 'evening', 'waiting_list']),
  day: date().nullable(),
  workshop: z.string().nullable(),
  created_at: instant(),
  deliveries: z.string().meta({ description: 'The meeting\'s delivery report, where each recipient of the message shows (kind `message`, rule = message_id).' }),
});

/** GET /meetings/{meetingId}/programme. */
export const ProgrammeSchema = z.object({
  meeting_id: z.string(),
  title: z.string(),
  days: z.array(
    z.object({
      date: date(),
      label: z.string(),
      recording_url: z.string().nullable(),
      chapters: z.array(
        z.object({
          title: z.string(),
          start: z.string().meta({ description: '`H:MM:SS` or `M:SS` in the recording.' }),
          offset_seconds: count(),
          url: z.string().nullable().meta({ description: 'The recording at the chapter\'s start (`#t=`); null until the recording is published.' }),
          slides_url: z.string().nullable(),
        }),
      ),
    }),
  ),
});

/** GET /admin/meetings/{meetingId}/fill: the counters alone (no registration read). */
export const MeetingFillSchema = z.object({
  meeting_id: z.string(),
  title: z.string(),
  timezone: z.string(),
  days: z.array(z.object({ date: date(), label: z.string(), onsite: ItemCountSchema, remote: ItemCountSchema })),
  workshops: z.array(ItemCountSchema.extend({ id: z.string(), title: z.string(), day: date() })),
  evening_event: ItemCountSchema.extend({ date: date(), title: z.string() }).nullable(),
});

/** GET /admin/meetings/{meetingId}/registrations/search: one row per registration found. */
export const RegistrationSearchSchema = z.array(
  z.object({
    registration_id: z.string(),
    first_name: nullableText(),
    last_name: z.string(),
    badge_name: nullableText(),
    organisation: z.string(),
    email: z.string(),
    status: z.enum(['confirmed', 'partial', 'waiting', 'cancelled']),
    days: z.array(
      z.object({
        date: date(),
        mode: z.enum(['onsite', 'remote']).nullable().meta({ description: 'null: not registered that day, checked in with `force`.' }),
        place: z.enum(['confirmed', 'waiting']).nullable(),
        waiting_position: z.int().min(1).nullable().meta({ description: '1 = next to be promoted; null when not waiting.' }),
        checked_in_at: instant().nullable(),
        expected_onsite: z.boolean().meta({ description: 'Confirmed on site that day: checked in without `force`.' }),
      }),
    ),
  }),
);

export const CheckInUndoSchema = z.object({
  registration_id: z.string(),
  day: date(),
  removed: z.boolean().meta({ description: 'false: there was no check-in that day (nothing changed).' }),
  checked_in: z.record(z.string(), instant()),
});

/** POST /admin/registrations/{registrationId}/promote: the place given by hand, and the counts after it. */
export const HandPromotionSchema = z.object({
  registration_id: z.string(),
  item: z.string(),
  already: z.boolean().meta({ description: 'The place was already theirs: nothing changed.' }),
  confirmed: z.int().min(0),
  capacity: z.int().min(0).nullable(),
  waiting: z.int().min(0),
  beyond_capacity: z.boolean().meta({ description: 'The place was given while the item was full: confirmed is above the capacity.' }),
  message: z.string().meta({ description: 'French sentence for the organiser (says when the place is past the capacity).' }),
});

/** POST /admin/registrations/{registrationId}/waiting-position: where the person is now. */
export const WaitingMoveSchema = z.object({
  registration_id: z.string(),
  item: z.string(),
  moved: z.boolean().meta({ description: 'false: the person was already at that position (nothing written).' }),
  previous_position: z.int().min(1),
  position: z.int().min(1).meta({ description: 'Exact at commit; the position asked for, clamped to the list.' }),
  waiting: z.int().min(1).meta({ description: 'People on the list.' }),
});

/** GET /admin/check-in/{checkinToken}: who the badge names, nothing recorded. */
export const CheckinTokenPreviewSchema = z.object({
  registration_id: z.string(),
  name: z.string(),
  organisation: z.string(),
  cancelled: z.boolean(),
  meeting_id: z.string(),
  meeting_title: z.string(),
  timezone: z.string(),
  today: date().meta({ description: 'Today on the meeting’s clock.' }),
  today_is_meeting_day: z.boolean(),
  days: z.array(z.object({ date: date(), label: z.string(), expected_onsite: z.boolean(), checked_in_at: instant().nullable() })),
});
