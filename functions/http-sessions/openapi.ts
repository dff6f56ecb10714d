// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import * as z from 'zod';
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import {
  OccurrenceAnswerSchema,
  OccurrenceItemsSchema,
  SeriesAdminListSchema,
  SeriesAnswerSchema,
  SubscribeAnswerSchema,
  SubscribersSchema,
  UnsubscribeAnswerSchema,
} from '#shared/openapi/answers/sessions.ts';

const TAG = 'Online sessions';
const ADMIN_TAG = 'Online sessions: organisers';
const GUIDE = 'docs/forms-sessions.md';
const PAGE = { type: 'text/html', description: 'a page for the person who opened the link', jsonToo: false };

export const docs: RouteDocs = {
  'GET /sessions': {
    operationId: 'listSessions',
    tag: TAG,
    summary: 'Data source: the upcoming occurrences of the session series',
    data: OccurrenceItemsSchema,
    guide: `${GUIDE}#2-the-data-source-upcoming-sessions`,
    example: {
      // docs/forms-sessions.md, "The data source: upcoming sessions".
      data: [
        {
          id: 'club-en-ligne-2027-01-12',
          text: 'Mardi 12 janvier 2027, 14 h 00 – 15 h 30 — Le nouveau portail agent',
          series_id: 'club-en-ligne',
          starts_at: '2027-01-12T14:00:00+01:00',
          ends_at: '2027-01-12T15:30:00+01:00',
          topic: 'Le nouveau portail agent',
          cancelled: false,
        },
      ],
    },
  },
  'POST /sessions/subscriptions': {
    operationId: 'subscribe',
    tag: TAG,
    summary: 'Subscribe to a series (idempotent on form_uuid; one subscription per email)',
    data: SubscribeAnswerSchema,
    refusals: ['unknown-series', 'form-already-used'],
    guide: `${GUIDE}#3-the-subscription-form`,
    example: {
      // docs/forms-sessions.md, "The subscription form".
      body: { form_uuid: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', email: 'camille.martin@exemple-commune.fr', first_name: 'Camille', series_id: 'club-en-ligne' },
      data: {
        subscription_id: '9b0c…',
        series_id: 'club-en-ligne',
        status: 'subscribed',
        already_subscribed: false,
        replayed: false,
        next_session: {
          id: 'club-en-ligne-2027-01-12',
          text: 'Mardi 12 janvier 2027, 14 h 00 – 15 h 30 — Session en ligne du club',
          starts_at: '2027-01-12T14:00:00+01:00',
          ends_at: '…',
          topic: '…',
          series_id: 'club-en-ligne',
          cancelled: false,
        },
        unsubscribe_url: 'https://club.example.org/u/Zk3…',
      },
    },
  },
  'POST /sessions/subscriptions/cancel': {
    operationId: 'unsubscribe',
    tag: TAG,
    summary: 'Unsubscribe by email (idempotent)',
    data: UnsubscribeAnswerSchema,
    refusals: ['unknown-series', 'form-already-used'],
    guide: `${GUIDE}#4-the-unsubscribe-form`,
  },
  'GET /u/{token}': {
    operationId: 'unsubscribeLinkPage',
    tag: TAG,
    summary: 'The one-click unsubscribe link (session emails, survey invitations): a page asking to confirm',
    otherMedia: PAGE,
    notFoundMedia: 'text/html',
    guide: `${GUIDE}#5-the-one-click-link`,
  },
  'POST /u/{token}': {
    operationId: 'unsubscribeLink',
    tag: TAG,
    summary: 'The one-click unsubscribe (RFC 8058 List-Unsubscribe-Post too; a survey link stops that survey’s invitations)',
    otherMedia: PAGE,
    notFoundMedia: 'text/html',
    guide: `${GUIDE}#5-the-one-click-link`,
  },
  'PUT /admin/session-series/{seriesId}': {
    operationId: 'adminPutSeries',
    tag: ADMIN_TAG,
    summary: 'Create or update a session series (RFC 5545 rule, duration, link, reminders)',
    data: SeriesAnswerSchema,
    successStatuses: [200, 201],
    guide: `${GUIDE}#1-what-the-organisers-set-up-first`,
  },
  'PUT /admin/sessions/{occurrenceId}': {
    operationId: 'adminPutOccurrence',
    tag: ADMIN_TAG,
    summary: 'Move, rename or cancel one occurrence',
    data: OccurrenceAnswerSchema,
    refusals: ['unknown-series'],
    guide: `${GUIDE}#1-what-the-organisers-set-up-first`,
  },
  'GET /admin/session-series': {
    operationId: 'adminListSeries',
    tag: ADMIN_TAG,
    summary: 'Every series with its next occurrences and subscriber counts',
    data: SeriesAdminListSchema,
    guide: `${GUIDE}#1-what-the-organisers-set-up-first`,
  },
  'GET /admin/session-series/{seriesId}/subscribers': {
    operationId: 'adminListSubscribers',
    tag: ADMIN_TAG,
    summary: 'The subscribers of a series (?format=csv)',
    data: SubscribersSchema,
    siblings: { counts: z.object({ active: z.int().min(0), unsubscribed: z.int().min(0) }) },
    otherMedia: { type: 'text/csv', description: '`?format=csv`: a sheet for Excel or LibreOffice', jsonToo: true },
    guide: `${GUIDE}#1-what-the-organisers-set-up-first`,
  },
};
