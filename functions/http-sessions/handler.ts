// Online sessions: the occurrences data source, subscriptions (signed w.c.s. calls), the
// one-click unsubscribe link, and the organisers' routes under /admin.
import { zBool, zOptional, zSlug } from '#shared/publik/coerce.ts';
import { OccurrenceChangeSchema, OccurrenceIdSchema, SeriesIdSchema, SubscribeRequestSchema, TokenParamsSchema, UnsubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { unknownLinkPage, unsubscribeConfirmPage, unsubscribedPage } from '#shared/domain/sessions/unsubscribe-page.ts';
import { occurrenceDataSourceItem, subscribersSheet, subscriptionAdminView } from '#shared/domain/sessions/views.ts';
import { DataSourceQuerySchema } from '#shared/lambda/data-source-query.ts';
import { adminPutRoute, httpApi, publikOk, route, text, type HttpResponse } from '#shared/lambda/http.ts';
import { csvDownload, FormatQuery } from '#shared/lambda/csv-answer.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { createSessionsContext } from '#shared/contexts/sessions.ts';
import { createSurveyOptOut } from '#shared/contexts/surveys.ts';
import { optedOutPage, optOutConfirmPage } from '#shared/domain/surveys/opt-out.ts';

const ctx = createServiceContext();
const { sessions } = createSessionsContext(ctx);
// The same one-click address serves the survey invitations' links (a session link is tried first).
const surveyLinks = createSurveyOptOut(ctx);

const SessionsQuerySchema = DataSourceQuerySchema.extend({
  series: zOptional(zSlug()),
  include_cancelled: zBool(),
});

// The token is in the address: no referrer may carry it to another site, no robot may index it.
const html = (body: string, statusCode = 200): HttpResponse => ({
  ...text(body, 'text/html; charset=utf-8', { 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' }),
  statusCode,
});

export const routes = [
  route({
    method: 'GET',
    path: '/sessions',
    auth: 'publik',
    query: SessionsQuerySchema,
    handle: async ({ query, now }) => publikOk(await sessions.dataSource(query, now)),
  }),
  route({
    method: 'POST',
    path: '/sessions/subscriptions',
    auth: 'publik',
    body: SubscribeRequestSchema,
    handle: async ({ body, nonce, now }) => publikOk(await sessions.subscribe(body, nonce, now)),
  }),
  route({
    method: 'POST',
    path: '/sessions/subscriptions/cancel',
    auth: 'publik',
    body: UnsubscribeRequestSchema,
    handle: async ({ body, nonce, now }) => publikOk(await sessions.unsubscribe(body, nonce, now)),
  }),
  route({
    // Opened from an email: the unguessable token is the credential. Changes nothing.
    method: 'GET',
    path: '/u/{token}',
    auth: 'none',
    params: TokenParamsSchema,
    handle: async ({ params }) => {
      const found = await sessions.describeToken(params.token);
      if (found) return html(unsubscribeConfirmPage(found.series.title));
      const survey = await surveyLinks.describe(params.token);
      return survey ? html(optOutConfirmPage(survey.title)) : html(unknownLinkPage(), 404);
    },
  }),
  route({
    // RFC 8058 one-click (mail clients POST `List-Unsubscribe=One-Click`) and the page's button.
    // No body schema: whatever the body, the address alone decides; idempotent.
    method: 'POST',
    path: '/u/{token}',
    auth: 'none',
    params: TokenParamsSchema,
    handle: async ({ params, now }) => {
      const done = await sessions.unsubscribeByToken(params.token, now);
      if (done) return html(unsubscribedPage(done.series.title));
      const survey = await surveyLinks.optOut(params.token, now);
      return survey ? html(optedOutPage(survey.title)) : html(unknownLinkPage(), 404);
    },
  }),
  adminPutRoute({
    path: '/admin/session-series/{seriesId}',
    params: SeriesIdSchema,
    body: SeriesInputSchema,
    audit: { action: 'series.put' },
    put: async ({ params, body, now }) => {
      const { created, series } = await sessions.putSeries(params.seriesId, body, now);
      return { data: series, created };
    },
  }),
  route({
    method: 'PUT',
    path: '/admin/sessions/{occurrenceId}',
    auth: 'admin',
    params: OccurrenceIdSchema,
    body: OccurrenceChangeSchema,
    audit: { action: 'occurrence.put' },
    handle: async ({ params, body, now }) => {
      const o = await sessions.changeOccurrence(params.occurrenceId, body, now);
      return publikOk({ ...occurrenceDataSourceItem(o), visio_url: o.visio_url, moved: o.moved, sequence: o.sequence });
    },
  }),
  route({
    method: 'GET',
    path: '/admin/session-series',
    auth: 'admin',
    handle: async ({ now }) => publikOk(await sessions.listSeriesForAdmin(now)),
  }),
  route({
    method: 'GET',
    path: '/admin/session-series/{seriesId}/subscribers',
    auth: 'admin',
    params: SeriesIdSchema,
    query: FormatQuery,
    handle: async ({ params, query }) => {
      const { series, subscriptions } = await sessions.listSubscriptions(params.seriesId);
      if (query.format === 'csv') {
        return csvDownload(subscribersSheet(subscriptions, series.timezone), `${series.id}-abonnes.csv`);
      }
      const active = subscriptions.filter((s) => s.status === 'active').length;
      return publikOk(subscriptions.map(subscriptionAdminView), { counts: { active, unsubscribed: subscriptions.length - active } });
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
