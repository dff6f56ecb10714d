// Organiser reports of the reminder engine, under /admin (bearer tokens): who got which
// message of a session occurrence, a meeting or a survey, and which messages were not sent at
// all (missed ticks). JSON by default, CSV with `?format=csv`. An unknown subject is a 404.
import * as z from 'zod';
import { DynamoDeliveryStore } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoReminderLedger } from '#shared/adapters/dynamodb/reminder-ledger.ts';
import { DynamoSessionStore } from '#shared/adapters/dynamodb/session-repository.ts';
import { DynamoSurveyStore } from '#shared/adapters/dynamodb/survey-repository.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { meetingNotFound } from '#shared/domain/meetings/service.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { DeliveryReports, deliveriesSheet, type DeliveryReport } from '#shared/domain/reminders/delivery-report.ts';
import { findOccurrence } from '#shared/domain/sessions/occurrences.ts';
import { OccurrenceIdSchema, parseOccurrenceId } from '#shared/domain/sessions/schema.ts';
import { SurveyIdSchema } from '#shared/domain/surveys/schema.ts';
import { surveyNotFound } from '#shared/domain/surveys/views.ts';
import { sheetToCsv } from '#shared/domain/csv.ts';
import { httpApi, json, route, text } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zEnum, zOptional } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { dataTable, nonceTable } = ctx.config;
const reports = new DeliveryReports({
  deliveries: new DynamoDeliveryStore(ctx.ddb, dataTable),
  ledger: new DynamoReminderLedger(ctx.ddb, dataTable),
});
const sessions = new DynamoSessionStore(ctx.ddb, dataTable, nonceTable);
const meetings = new DynamoMeetingStore(ctx.ddb, dataTable);
const surveys = new DynamoSurveyStore(ctx.ddb, dataTable, nonceTable);

const FormatQuery = z.object({ format: zOptional(zEnum(['json', 'csv'], 'le format')) });

function answer(report: DeliveryReport, idField: string, id: string, format: 'json' | 'csv' | undefined) {
  if (format === 'csv') {
    return text(sheetToCsv(deliveriesSheet(report.deliveries)), 'text/csv; charset=utf-8', {
      'content-disposition': `attachment; filename="${id}-envois.csv"`,
    });
  }
  return json({ err: 0, data: { [idField]: id, ...report } });
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
        (await reports.report({ kind: 'session-series', id: parsed.seriesId }, id, async () => {
          const found = await sessions.findSeriesWithOverrides(parsed.seriesId);
          return found !== undefined && findOccurrence(found.series, found.overrides, parsed.date) !== undefined;
        }));
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
      const report = await reports.report({ kind: 'meeting', id }, id, async () => (await meetings.findMeeting(id)) !== undefined);
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
      const report = await reports.report({ kind: 'survey', id }, id, async () => (await surveys.findSurvey(id)) !== undefined);
      if (!report) throw surveyNotFound(id);
      return answer(report, 'survey_id', id, query.format);
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
