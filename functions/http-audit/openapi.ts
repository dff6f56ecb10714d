// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import * as z from 'zod';
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import { AuditRecordsSchema } from '#shared/openapi/answers/audit.ts';

export const docs: RouteDocs = {
  'GET /admin/audit': {
    operationId: 'adminListAudit',
    tag: 'Audit trail',
    summary: 'Every admin write, newest first, paged (?since=, ?target=, ?after=, ?format=csv): who, what, which object, counts; no personal data',
    data: AuditRecordsSchema,
    siblings: {
      next: z.string().nullable().meta({ description: 'Give it back as `?after=` (same filters) for the next, older page; null on the last page' }),
      count: z.int().min(0),
    },
    otherMedia: { type: 'text/csv', description: '`?format=csv`: every record the filters select, for Excel or LibreOffice', jsonToo: true },
    guide: 'docs/operations.md#the-audit-trail',
  },
};
