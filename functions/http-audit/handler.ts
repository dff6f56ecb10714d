// The audit trail of organiser writes, under /admin (bearer tokens): newest first, paged
// (`?after=` the previous page's `next`), filtered by `?since=` and `?target=`, CSV with
// `?format=csv`. A function of its own: http-admin has no room left in its bundle budget, and
// nothing here is on a hot path.
import * as z from 'zod';
import { DateTime } from 'luxon';
import { createAuditContext } from '#shared/contexts/audit.ts';
import { auditSheet, auditView } from '#shared/domain/audit/views.ts';
import { DEFAULT_CSV_ZONE } from '#shared/domain/csv.ts';
import { httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { csvDownload, FormatQuery } from '#shared/lambda/csv-answer.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zInt, zOptional } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { audit } = createAuditContext(ctx);

const SINCE_MESSAGE = 'attendu une date (AAAA-MM-JJ, minuit à Paris) ou un instant ISO 8601 avec son fuseau (2026-12-07T10:00:00Z).';

/** A day (midnight in Paris) or an instant with its offset, as the UTC ISO text records are keyed by. */
const Since = z
  .string({ error: SINCE_MESSAGE })
  .trim()
  .transform((text, issue) => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
    const at = day ? DateTime.fromISO(text, { zone: DEFAULT_CSV_ZONE }) : DateTime.fromISO(text, { setZone: true });
    if (!at.isValid || (!day && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text))) {
      issue.addIssue({ code: 'custom', message: SINCE_MESSAGE });
      return z.NEVER;
    }
    return at.toUTC().toISO() as string;
  })
  .meta({ type: 'string', description: 'YYYY-MM-DD (midnight in Paris) or an ISO 8601 instant with its offset' });

const AuditQuery = z.object({
  since: zOptional(Since),
  target: zOptional(z.string({ error: 'attendu un identifiant.' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/, { error: 'attendu un identifiant.' })),
  after: zOptional(z.string({ error: 'attendu la valeur « next » de la page précédente.' }).max(2000)),
  limit: zOptional(zInt({ min: 1, max: 500 })),
  format: FormatQuery.shape.format,
});

export const routes = [
  route({
    method: 'GET',
    path: '/admin/audit',
    auth: 'admin',
    query: AuditQuery,
    handle: async ({ query }) => {
      const filters = { since: query.since, target: query.target, after: query.after };
      if (query.format === 'csv') {
        const records = await audit.all(filters);
        return csvDownload(auditSheet(records), 'journal-audit.csv');
      }
      const page = await audit.page({ ...filters, limit: query.limit ?? 100 });
      return publikOk(page.records.map(auditView), { next: page.next, count: page.records.length });
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
