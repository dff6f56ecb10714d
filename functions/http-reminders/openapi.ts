// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import { MeetingMessageAnswerSchema } from '#shared/openapi/answers/meetings.ts';
import { DeliveryReportSchema, MeetingDeliveryReportSchema, SurveyDeliveryReportSchema } from '#shared/openapi/answers/sessions.ts';

const csv = { type: 'text/csv', description: '`?format=csv`: a sheet for Excel or LibreOffice', jsonToo: true };

export const docs: RouteDocs = {
  'GET /admin/sessions/{occurrenceId}/deliveries': {
    operationId: 'adminListDeliveries',
    tag: 'Online sessions: organisers',
    summary: 'Who got which reminder of an occurrence, and which reminders were missed (?format=csv)',
    data: DeliveryReportSchema,
    otherMedia: csv,
    guide: 'docs/operations.md#reminders',
  },
  'GET /admin/meetings/{meetingId}/deliveries': {
    operationId: 'adminListMeetingDeliveries',
    tag: 'Meetings: organisers',
    summary: 'Who got which reminder of a meeting, and which reminders were missed (?format=csv)',
    data: MeetingDeliveryReportSchema,
    otherMedia: csv,
    notFound: ['unknown-meeting'],
    guide: 'docs/operations.md#reminders',
  },
  'GET /admin/surveys/{surveyId}/deliveries': {
    operationId: 'adminListSurveyDeliveries',
    tag: 'Feedback survey: organisers',
    summary: 'Who got which invitation or reminder of a survey, and which were missed (?format=csv)',
    data: SurveyDeliveryReportSchema,
    otherMedia: csv,
    notFound: ['survey-not-found'],
    guide: 'docs/operations.md#reminders',
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
