// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts): answer
// schemas, error classes, examples. The request schemas are the routes' own (handler.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import {
  CancellationAnswerSchema,
  DayItemsSchema,
  MeetingItemsSchema,
  MeetingViewSchema,
  RegistrationAnswerSchema,
  WorkshopItemsSchema,
  ProgrammeSchema,
} from '#shared/openapi/answers/meetings.ts';

const REGISTRATION_REFUSALS = [
  'registration-closed',
  'day-full',
  'remote-full',
  'workshop-full',
  'evening-full',
  'workshop-requires-onsite',
  'workshop-overlap',
  'unknown-day',
  'unknown-workshop',
  'unknown-evening-event',
  'already-registered',
  'registration-cancelled',
  'form-already-used',
] as const;

const GUIDE = 'docs/publik-integration.md';

const REGISTRATION_EXAMPLE_BODY = {
  form_uuid: '6f1f0c2e-1d2b-4c55-9d7e-0b7f1f1c2a3b',
  form_number: '12-34',
  email: 'camille.martin@exemple-commune.fr',
  first_name: 'Camille',
  last_name: 'Martin',
  organisation: 'Ville de Villejuif',
  onsite_days: ['2025-06-07'],
  remote_days: [],
  workshops: ['socle-personnes-morales'],
  evening_event: true,
  image_rights: 'accepted',
};

const REGISTRATION_EXAMPLE_DATA = {
  registration_id: 'r…',
  meeting_id: 'club-12',
  status: 'partial',
  in_waiting_list: true,
  email: 'camille.martin@exemple-commune.fr',
  days: [{ date: '2025-06-07', mode: 'onsite', status: 'confirmed', waiting_position: null }],
  workshops: [{ id: 'socle-personnes-morales', title: '…', status: 'waiting', waiting_position: 2, waiting_for_day: false }],
  evening_event: { status: 'confirmed', waiting_position: null },
  image_rights: 'accepted',
  replayed: false,
  api: { status_url: '…', update_url: '…', cancel_url: '…', ics_url: '…' },
};

export const docs: RouteDocs = {
  'GET /meetings': {
    operationId: 'listMeetings',
    tag: 'Meetings and registration',
    summary: 'Data source: the meetings open for registration',
    description: '`q` searches the text, `id` returns one item (a closed meeting too, disabled); `all=1` lists closed meetings as well.',
    data: MeetingItemsSchema,
    guide: `${GUIDE}#2-data-sources`,
  },
  'GET /meetings/{meetingId}': {
    notFound: ['unknown-meeting'],
    operationId: 'getMeeting',
    tag: 'Meetings and registration',
    summary: 'One meeting: days, workshops, evening event and live places',
    data: MeetingViewSchema,
    guide: `${GUIDE}#2-data-sources`,
  },
  'GET /meetings/{meetingId}/programme': {
    notFound: ['unknown-meeting'],
    operationId: 'getMeetingProgramme',
    tag: 'Meetings and registration',
    summary: 'Each day\'s recording (null until published) and programme: chapters with their start and slides (JSON for a portal page)',
    data: ProgrammeSchema,
    guide: `${GUIDE}#recordings-and-the-programme`,
  },
  'GET /meetings/{meetingId}/days': {
    notFound: ['unknown-meeting'],
    operationId: 'listMeetingDays',
    tag: 'Meetings and registration',
    summary: 'Data source: the days of a meeting, text showing the places left on site',
    data: DayItemsSchema,
    guide: `${GUIDE}#2-data-sources`,
  },
  'GET /meetings/{meetingId}/workshops': {
    notFound: ['unknown-meeting'],
    operationId: 'listMeetingWorkshops',
    tag: 'Meetings and registration',
    summary: 'Data source: the workshops (day= filter), places left, disabled when full without waiting list',
    data: WorkshopItemsSchema,
    guide: `${GUIDE}#2-data-sources`,
  },
  'POST /meetings/{meetingId}/registrations': {
    notFound: ['unknown-meeting'],
    operationId: 'register',
    tag: 'Meetings and registration',
    summary: 'Register (idempotent on form_uuid; the same uuid with changed data modifies)',
    data: RegistrationAnswerSchema,
    refusals: REGISTRATION_REFUSALS,
    guide: `${GUIDE}#the-webservice-call`,
    example: {
      // docs/publik-integration.md, "The answer and what to branch on".
      body: REGISTRATION_EXAMPLE_BODY,
      data: REGISTRATION_EXAMPLE_DATA,
    },
  },
  'GET /registrations/{registrationId}': {
    notFound: ['unknown-registration'],
    operationId: 'getRegistration',
    tag: 'Meetings and registration',
    summary: 'The status of a registration',
    data: RegistrationAnswerSchema,
    guide: `${GUIDE}#modifying-and-cancelling`,
    example: { data: REGISTRATION_EXAMPLE_DATA },
  },
  'POST /registrations/{registrationId}': {
    notFound: ['unknown-registration'],
    operationId: 'modifyRegistration',
    tag: 'Meetings and registration',
    summary: 'Modify a registration (same body as registering)',
    data: RegistrationAnswerSchema,
    refusals: REGISTRATION_REFUSALS,
    guide: `${GUIDE}#modifying-and-cancelling`,
    example: { body: REGISTRATION_EXAMPLE_BODY, data: REGISTRATION_EXAMPLE_DATA },
  },
  'POST /registrations/{registrationId}/cancel': {
    notFound: ['unknown-registration'],
    operationId: 'cancelRegistration',
    tag: 'Meetings and registration',
    summary: 'Cancel a registration (idempotent)',
    data: CancellationAnswerSchema,
    guide: `${GUIDE}#modifying-and-cancelling`,
  },
  'GET /registrations/{registrationId}/calendar.ics': {
    notFound: ['unknown-registration'],
    operationId: 'getRegistrationCalendar',
    tag: 'Meetings and registration',
    summary: 'The person\'s calendar file (personal link: token of the registration, no signature)',
    otherMedia: { type: 'text/calendar', description: 'an iCalendar file', jsonToo: false },
    guide: `${GUIDE}#the-answer-and-what-to-branch-on`,
  },
};
