// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';

export const docs: RouteDocs = {
  'GET /admin/meetings/{meetingId}/badges.pdf': {
    notFound: ['unknown-meeting', 'unknown-registration'],
    operationId: 'adminBadgesPdf',
    tag: 'Meetings: organisers',
    summary: 'The badges PDF: A4 sheets of 8 with cut marks, or A6 (day, registration, reissue, sort, layout)',
    otherMedia: { type: 'application/pdf', description: 'The badges, each with the QR code of its check-in URL', jsonToo: false },
    conflicts: ['registration-cancelled'],
    guide: 'docs/operations.md#badges-and-check-in',
  },
};
