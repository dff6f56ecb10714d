// Organiser reports of the reminder engine, under /admin (bearer tokens): who got which
// message of a session occurrence, a meeting or a survey, and which messages were not sent at
// all (missed ticks). JSON by default, CSV with `?format=csv`. An unknown subject is a 404.
import * as z from 'zod';
import { createDeliveryReportsContext } from '#shared/contexts/reminders.ts';
import { NotFoundError } from '#shared/errors.ts';
import { meetingNotFound } from '#shared/domain/meetings/service.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { deliveriesSheet } from '#shared/domain/reminders/delivery-report.ts';
import { OccurrenceIdSchema, parseOccurrenceId } from '#shared/domain/sessions/schema.ts';
import { SurveyIdSchema } from '#shared/domain/surveys/schema.ts';
import { surveyNotFound } from '#shared/domain/surveys/views.ts';
import { httpApi } from '#shared/lambda/http.ts';
import { adminListRoute } from '#shared/lambda/csv-answer.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const { reports, occurrenceExists, meetingExists, surveyExists } = createDeliveryReportsContext(ctx);


type Subject = Parameters<typeof reports.report>[0];

/**
 * One report route: `locate` turns the path's id into the reminder source's subject and the
 * check that the object exists (null when the id cannot name one), `notFound` the 404.
 */
function reportRoute<K extends string>(
  path: string,
  params: z.ZodType<Record<K, string>>,
  key: K,
  idField: string,
  locate: (id: string) => { subject: Subject; exists: () => Promise<boolean> } | null,
  notFound: (id: string) => Error,
) {
  return adminListRoute(path, params, async (p) => {
    const id = p[key];
    const located = locate(id);
    const report = located && (await reports.report(located.subject, id, located.exists));
    if (!report) throw notFound(id);
    return { data: { [idField]: id, ...report }, csv: () => ({ sheet: deliveriesSheet(report.deliveries), filename: `${id}-envois.csv` }) };
  });
}

export const routes = [
  reportRoute(
    '/admin/sessions/{occurrenceId}/deliveries',
    OccurrenceIdSchema,
    'occurrenceId',
    'occurrence_id',
    (id) => {
      const parsed = parseOccurrenceId(id);
      return parsed ? { subject: { kind: 'session-series', id: parsed.seriesId }, exists: () => occurrenceExists(id) } : null;
    },
    (id) => new NotFoundError(`Séance inconnue : ${id}.`),
  ),
  reportRoute(
    '/admin/meetings/{meetingId}/deliveries',
    MeetingIdSchema,
    'meetingId',
    'meeting_id',
    (id) => ({ subject: { kind: 'meeting', id }, exists: () => meetingExists(id) }),
    meetingNotFound,
  ),
  reportRoute(
    '/admin/surveys/{surveyId}/deliveries',
    SurveyIdSchema,
    'surveyId',
    'survey_id',
    (id) => ({ subject: { kind: 'survey', id }, exists: () => surveyExists(id) }),
    surveyNotFound,
  ),
];

export const handler = httpApi(routes, ctx.httpDeps);
