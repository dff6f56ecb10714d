// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import type { RouteDoc, RouteDocs } from '#shared/openapi/route-doc.ts';
import { ErasureAnswerSchema, PersonExportSchema, RetentionReportSchema } from '#shared/openapi/answers/people.ts';

/** Every route of this function: one tag, one guide section (docs/operations.md). */
const personalData = (doc: Pick<RouteDoc, 'operationId' | 'summary' | 'data' | 'example'>): RouteDoc => ({
  ...doc,
  tag: 'Personal data: organisers',
  guide: 'docs/operations.md#personal-data-retention-export-erasure',
});

export const docs: RouteDocs = {
  'GET /admin/retention': personalData({
    operationId: 'adminRetentionReport',
    summary: 'What a retention purge at ?at= (default now) would change: counts per kind and per meeting, series, campaign, survey or delivery report subject',
    data: RetentionReportSchema,
  }),
  'POST /admin/retention/run': personalData({
    operationId: 'adminRetentionRun',
    summary: 'Run the retention purge now (resumable: `complete: false` leaves the rest to the next run)',
    data: RetentionReportSchema,
  }),
  'POST /admin/people/export': personalData({
    operationId: 'adminPersonExport',
    summary: 'Everything held about an email, across every context (access request)',
    data: PersonExportSchema,
    example: { body: { email: 'alice.martin@exemple.fr' } },
  }),
  'POST /admin/people/erase': personalData({
    operationId: 'adminPersonErase',
    summary: 'Erase everything held about an email (`confirm: true`; without it, a dry run with the same counts)',
    data: ErasureAnswerSchema,
    example: { body: { email: 'alice.martin@exemple.fr', confirm: true } },
  }),
};
