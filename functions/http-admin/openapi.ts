// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import * as z from 'zod';
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import {
  AdminMeetingViewSchema,
  CheckInAnswerSchema,
  EveningListSchema,
  ImageRightsRefusalsSchema,
  MeetingCountsSchema,
  MeetingMessageAnswerSchema,
  MeetingViewSchema,
  PutMeetingAnswerSchema,
  RegistrationListSchema,
  WorkshopRosterSchema,
} from '#shared/openapi/answers/meetings.ts';

const TAG = 'Meetings: organisers';
const CSV = { type: 'text/csv', description: '`?format=csv`: a sheet for Excel or LibreOffice', jsonToo: true };
const GUIDE = 'docs/operations.md#changing-a-meeting-organisers';

export const docs: RouteDocs = {
  'GET /admin/meetings': {
    operationId: 'adminListMeetings',
    tag: TAG,
    summary: 'Every meeting, open or closed, with live places',
    data: z.array(MeetingViewSchema),
    guide: GUIDE,
  },
  'PUT /admin/meetings/{meetingId}': {
    operationId: 'adminPutMeeting',
    tag: TAG,
    summary: 'Create or update a meeting (raising a capacity promotes waiting requests)',
    data: PutMeetingAnswerSchema,
    successStatuses: [200, 201],
    conflicts: ['capacity-below-confirmed', 'item-in-use'],
    guide: GUIDE,
    example: {
      body: {
        title: '12e Club utilisateurs Publik',
        venue: 'Villejuif',
        timezone: 'Europe/Paris',
        registration_opens_at: '2025-04-01T00:00:00+02:00',
        registration_closes_at: '2025-06-05T23:59:59+02:00',
        image_rights_notice: 'J\'accepte d\'être photographié·e ou filmé·e pendant le club.',
        days: [
          { date: '2025-06-07', label: 'Mercredi 7 juin', onsite_capacity: 60, waiting_list: true },
          { date: '2025-06-08', label: 'Jeudi 8 juin', onsite_capacity: 60, waiting_list: false },
        ],
        workshops: [
          {
            id: 'socle-personnes-morales',
            day: '2025-06-08',
            title: 'Atelier 1 : Socle personnes morales',
            starts_at: '14:00',
            ends_at: '16:00',
            capacity: 25,
            waiting_list: true,
          },
        ],
        evening_event: { date: '2025-06-06', title: 'Soirée de la veille', capacity: 80, waiting_list: false },
      },
    },
  },
  'GET /admin/meetings/{meetingId}': {
    notFound: ['unknown-meeting'],
    operationId: 'adminGetMeeting',
    tag: TAG,
    summary: 'One meeting with its counts (?format=csv: the counts sheet)',
    data: AdminMeetingViewSchema,
    otherMedia: CSV,
    guide: GUIDE,
  },
  'GET /admin/meetings/{meetingId}/registrations': {
    notFound: ['unknown-meeting'],
    operationId: 'adminListRegistrations',
    tag: TAG,
    summary: 'The registrations of a meeting (include_cancelled, ?format=csv)',
    data: RegistrationListSchema,
    siblings: { count: z.int().min(0), counts: MeetingCountsSchema },
    otherMedia: CSV,
    guide: GUIDE,
  },
  'GET /admin/meetings/{meetingId}/workshops/{workshopId}/roster': {
    notFound: ['unknown-meeting', 'unknown-workshop'],
    operationId: 'adminWorkshopRoster',
    tag: TAG,
    summary: 'The roster of a workshop (?format=csv)',
    data: WorkshopRosterSchema,
    otherMedia: CSV,
    guide: GUIDE,
  },
  'GET /admin/meetings/{meetingId}/evening': {
    notFound: ['unknown-meeting', 'no-evening-event'],
    operationId: 'adminEveningList',
    tag: TAG,
    summary: 'Who comes to the evening event (?format=csv)',
    data: EveningListSchema,
    otherMedia: CSV,
    guide: GUIDE,
  },
  'GET /admin/meetings/{meetingId}/image-rights-refusals': {
    notFound: ['unknown-meeting'],
    operationId: 'adminImageRightsRefusals',
    tag: TAG,
    summary: 'The people not to photograph (?format=csv)',
    data: ImageRightsRefusalsSchema,
    siblings: { count: z.int().min(0) },
    otherMedia: CSV,
    guide: GUIDE,
  },
  'POST /admin/registrations/{registrationId}/check-in': {
    notFound: ['unknown-registration', 'unknown-meeting'],
    operationId: 'adminCheckIn',
    tag: TAG,
    summary: 'Record that a person arrived on a day (idempotent)',
    data: CheckInAnswerSchema,
    conflicts: ['not-attending'],
    guide: GUIDE,
    example: { body: { day: '2025-06-07' } },
  },
  'POST /admin/check-in/{checkinToken}': {
    notFound: ['unknown-checkin-token'],
    operationId: 'adminCheckInByToken',
    tag: TAG,
    summary: 'Check a person in at the door with the token of their badge (idempotent)',
    data: z.object({
      registration_id: z.string(),
      name: z.string(),
      organisation: z.string(),
      day: z.string(),
      checked_in_at: z.string(),
      already: z.boolean(),
    }),
    conflicts: ['not-onsite-that-day'],
    guide: 'docs/operations.md#badges-and-check-in',
  },
  'POST /admin/meetings/{meetingId}/messages': {
    notFound: ['unknown-meeting'],
    operationId: 'adminMeetingMessage',
    tag: 'Meetings: organisers',
    summary: 'Send an ad-hoc message to the attendees (everyone, on site on a day, a workshop, the evening, the waiting list)',
    description:
      'Stored, then fanned out by the next reminder tick (every 5 minutes) through the reminders queue, once per person (delivery markers); each recipient shows in `GET /admin/meetings/{meetingId}/deliveries` (kind `message`, rule = `message_id`). A person is in the audience when they hold a confirmed place on the day, the workshop or the evening (`waiting_list`: anything waiting), checked again at delivery.',
    data: MeetingMessageAnswerSchema,
    guide: 'docs/operations.md#reminders',
    example: { body: { subject: 'Infos pratiques', text: 'Accès : 12 rue de la Paix.\n\nWi-Fi : club / publik2027.', audience: 'onsite', day: '2025-06-07' } },
  },
};
