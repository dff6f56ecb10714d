// Organiser reports of the reminder engine, under /admin (bearer tokens): who got which
// message of a session occurrence, a meeting or a survey, and which messages were not sent at
// all (missed ticks). JSON by default, CSV with `?format=csv`. An unknown subject is a 404.
// And the organisers' ad-hoc messages to a meeting, which the engine's tick fans out.
import * as z from 'zod';
import { createMeetingMessagesContext } from '#shared/contexts/meetings.ts';
import { createDeliveryReportsContext } from '#shared/contexts/reminders.ts';
import { MessageInputSchema } from '#shared/domain/meetings/messages.ts';
import { NotFoundError } from '#shared/errors.ts';
import { meetingNotFound } from '#shared/domain/meetings/service.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { deliveriesSheet, type DeliveryReport } from '#shared/domain/reminders/delivery-report.ts';
import { OccurrenceIdSchema, parseOccurrenceId } from '#shared/domain/sessions/schema.ts';
import { SurveyIdSchema } from '#shared/domain/surveys/schema.ts';
import { surveyNotFound } from '#shared/domain/surveys/views.ts';
import { sheetToCsv } from '#shared/domain/csv.ts';
import { httpApi, publikOk, route, text } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zEnum, zOptional } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { reports, occurrenceExists, meetingExists, surveyExists } = createDeliveryReportsContext(ctx);
const { messages } = createMeetingMessagesContext(ctx);

const FormatQuery = z.object({ format: zOptional(zEnum(['json', 'csv'], 'le format')) });

function answer(report: DeliveryReport, idField: string, id: string, format: 'json' | 'csv' | undefined) {
  if (format === 'csv') {
    return text(sheetToCsv(deliveriesSheet(report.deliveries)), 'text/csv; charset=utf-8', {
      'content-disposition': `attachment; filename="${id}-envois.csv"`,
    });
  }
  return publikOk({ [idField]: id, ...report });
}

export const routes = [
  route({
    method: 'GET',
    path: '/admin/sessions/{occurrenceId}/deliveries',
    auth: 'admin',
    params: OccurrenceIdSchema,
    query: FormatQuery,
    handle: async ({ params, query }) => {
      const id = params.occurrenceId;
      const parsed = parseOccurrenceId(id);
      const report =
        parsed &&
        (await reports.report({ kind: 'session-series', id: parsed.seriesId }, id, () => occurrenceExists(id)));
      if (!report) throw new NotFoundError(`Séance inconnue : ${id}.`);
      return answer(report, 'occurrence_id', id, query.format);
    },
  }),
  route({
    method: 'GET',
    path: '/admin/meetings/{meetingId}/deliveries',
    auth: 'admin',
    params: MeetingIdSchema,
    query: FormatQuery,
    handle: async ({ params, query }) => {
      const id = params.meetingId;
      const report = await reports.report({ kind: 'meeting', id }, id, () => meetingExists(id));
      if (!report) throw meetingNotFound(id);
      return answer(report, 'meeting_id', id, query.format);
    },
  }),
  route({
    method: 'GET',
    path: '/admin/surveys/{surveyId}/deliveries',
    auth: 'admin',
    params: SurveyIdSchema,
    query: FormatQuery,
    handle: async ({ params, query }) => {
      const id = params.surveyId;
      const report = await reports.report({ kind: 'survey', id }, id, () => surveyExists(id));
      if (!report) throw surveyNotFound(id);
      return answer(report, 'survey_id', id, query.format);
    },
  }),
  route({
    method: 'POST',
    path: '/admin/meetings/{meetingId}/messages',
    auth: 'admin',
    params: MeetingIdSchema,
    body: MessageInputSchema,
    handle: async ({ params, body, now }) => {
      const m = await messages.post(params.meetingId, body, now);
      return publikOk({
        message_id: m.id,
        meeting_id: m.meeting_id,
        subject: m.subject,
        audience: m.audience,
        day: m.day ?? null,
        workshop: m.workshop ?? null,
        created_at: m.created_at,
        deliveries: `/admin/meetings/${m.meeting_id}/deliveries`,
      });
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
