// The feedback survey: its questions and options for w.c.s. forms, the anonymous answer
// webservice (signed Publik calls), and the organisers' definition and results (/admin).
import * as z from 'zod';
import { AnswerBodySchema, SurveyIdSchema, SurveyInputSchema, SurveyQuestionParamsSchema } from '#shared/domain/surveys/schema.ts';
import { surveyDefinition } from '#shared/domain/surveys/define.ts';
import { optionItems, responsesSheet, surveyView } from '#shared/domain/surveys/views.ts';
import { DataSourceQuerySchema, optionalParam } from '#shared/lambda/data-source-query.ts';
import { adminPutRoute, httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { csvDownload, FormatQuery } from '#shared/lambda/csv-answer.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { createSurveysContext } from '#shared/contexts/surveys.ts';
import { filterDataSource } from '#shared/publik/data-source.ts';

const ctx = createServiceContext();
const { surveys } = createSurveysContext(ctx);

const ResultsQuery = z.object({
  format: FormatQuery.shape.format,
  /** With `after`: the next page of a text question's answers. */
  question: optionalParam,
  after: optionalParam,
});

export const routes = [
  route({
    method: 'GET',
    path: '/surveys/{surveyId}',
    auth: 'publik',
    params: SurveyIdSchema,
    handle: async ({ params, now }) => publikOk(surveyView(await surveys.getSurvey(params.surveyId), now)),
  }),
  route({
    method: 'GET',
    path: '/surveys/{surveyId}/questions/{questionId}/options',
    auth: 'publik',
    params: SurveyQuestionParamsSchema,
    query: DataSourceQuerySchema,
    handle: async ({ params, query }) =>
      publikOk(filterDataSource(optionItems(await surveys.getSurvey(params.surveyId), params.questionId), query)),
  }),
  route({
    method: 'POST',
    path: '/surveys/{surveyId}/responses',
    auth: 'publik',
    params: SurveyIdSchema,
    body: AnswerBodySchema,
    handle: async ({ params, body, now, nonce }) => publikOk(await surveys.answer(params.surveyId, body, now, nonce)),
  }),
  route({
    // The console's list (dashboard, survey pages): window, responses and rate.
    method: 'GET',
    path: '/admin/surveys',
    auth: 'admin',
    handle: async ({ now }) => publikOk(await surveys.surveySummaries(now)),
  }),
  adminPutRoute({
    path: '/admin/surveys/{surveyId}',
    params: SurveyIdSchema,
    body: SurveyInputSchema,
    audit: { action: 'survey.put' },
    put: async ({ params, body, now }) => {
      const { created, survey } = await surveys.putSurvey(params.surveyId, body, now);
      return { data: { ...survey, open: surveyView(survey, now).open }, created };
    },
  }),
  route({
    // The stored definition in the PUT's shape (change a field, PUT it back); `meta` says what
    // the service keeps beside it.
    method: 'GET',
    path: '/admin/surveys/{surveyId}',
    auth: 'admin',
    params: SurveyIdSchema,
    handle: async ({ params, now }) => {
      const survey = await surveys.getSurvey(params.surveyId);
      return publikOk(surveyDefinition(survey), { meta: { survey_id: survey.id, open: surveyView(survey, now).open, version: survey.version, created_at: survey.created_at, updated_at: survey.updated_at } });
    },
  }),
  route({
    method: 'GET',
    path: '/admin/surveys/{surveyId}/results',
    auth: 'admin',
    params: SurveyIdSchema,
    query: ResultsQuery,
    handle: async ({ params, query }) => {
      if (query.format === 'csv') {
        const { survey, responses } = await surveys.responses(params.surveyId);
        return csvDownload(responsesSheet(survey, responses), `${survey.id}-reponses.csv`);
      }
      if (query.question !== undefined) return publikOk(await surveys.moreTexts(params.surveyId, query.question, query.after));
      return publikOk(await surveys.results(params.surveyId));
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
