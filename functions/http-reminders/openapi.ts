// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
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
};
