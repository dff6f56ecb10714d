// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import { DeliveryReportSchema } from '#shared/openapi/answers/sessions.ts';

export const docs: RouteDocs = {
  'GET /admin/sessions/{occurrenceId}/deliveries': {
    operationId: 'adminListDeliveries',
    tag: 'Online sessions: organisers',
    summary: 'Who got which reminder of an occurrence (?format=csv)',
    data: DeliveryReportSchema,
    otherMedia: { type: 'text/csv', description: '`?format=csv`: a sheet for Excel or LibreOffice', jsonToo: true },
    guide: 'docs/operations.md#reminders',
  },
};
