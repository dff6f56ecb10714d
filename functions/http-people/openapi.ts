// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import { ErasureAnswerSchema, PersonExportSchema, RetentionReportSchema } from '#shared/openapi/answers/people.ts';

const TAG = 'Personal data: organisers';
const GUIDE = 'docs/operations.md';

export const docs: RouteDocs = {
  'GET /admin/retention': {
    operationId: 'adminRetentionReport',
    tag: TAG,
    summary: 'What a retention purge at ?at= (default now) would change: counts per kind and per meeting, series or campaign',
    data: RetentionReportSchema,
    guide: `${GUIDE}#personal-data-retention-export-erasure`,
  },
  'POST /admin/retention/run': {
    operationId: 'adminRetentionRun',
    tag: TAG,
    summary: 'Run the retention purge now (resumable: `complete: false` leaves the rest to the next run)',
    data: RetentionReportSchema,
    guide: `${GUIDE}#personal-data-retention-export-erasure`,
  },
  'POST /admin/people/export': {
    operationId: 'adminPersonExport',
    tag: TAG,
    summary: 'Everything held about an email, across every context (access request)',
    data: PersonExportSchema,
    guide: `${GUIDE}#personal-data-retention-export-erasure`,
    example: { body: { email: 'alice.martin@exemple.fr' } },
  },
  'POST /admin/people/erase': {
    operationId: 'adminPersonErase',
    tag: TAG,
    summary: 'Erase everything held about an email (`confirm: true`; without it, a dry run with the same counts)',
    data: ErasureAnswerSchema,
    guide: `${GUIDE}#personal-data-retention-export-erasure`,
    example: { body: { email: 'alice.martin@exemple.fr', confirm: true } },
  },
};
