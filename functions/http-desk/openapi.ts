// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import * as z from 'zod';
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import { CheckInUndoSchema, CheckinTokenPreviewSchema, MeetingFillSchema, RegistrationSearchSchema } from '#shared/openapi/answers/meetings.ts';

const TAG = 'Meetings: organisers';
const GUIDE = 'docs/operations.md#badges-and-check-in';

export const docs: RouteDocs = {
  'GET /admin/meetings/{meetingId}/fill': {
    notFound: ['unknown-meeting'],
    operationId: 'adminMeetingFill',
    tag: TAG,
    summary: 'Fill levels per day (on site, remote), per workshop and for the evening, from the counters alone',
    data: MeetingFillSchema,
    guide: GUIDE,
  },
  'GET /admin/meetings/{meetingId}/registrations/search': {
    notFound: ['unknown-meeting'],
    operationId: 'adminSearchRegistrations',
    tag: TAG,
    summary: 'Search a meeting’s registrations (q, day, mode, status, checked_in), paged with a cursor',
    data: RegistrationSearchSchema,
    siblings: {
      count: z.int().min(0),
      next_cursor: z.string().nullable().meta({ description: 'Pass it back as `cursor` for more; null: the list was read to its end.' }),
      read: z.int().min(0).meta({ description: 'Registrations read by this call (at most 1,000).' }),
    },
    guide: GUIDE,
  },
  'DELETE /admin/registrations/{registrationId}/check-in/{day}': {
    notFound: ['unknown-registration', 'unknown-meeting'],
    operationId: 'adminUndoCheckIn',
    tag: TAG,
    summary: 'Undo a check-in made by mistake (idempotent)',
    data: CheckInUndoSchema,
    guide: GUIDE,
  },
  'GET /admin/check-in/{checkinToken}': {
    notFound: ['unknown-checkin-token'],
    operationId: 'adminCheckinTokenPreview',
    tag: TAG,
    summary: 'Who a badge names and their check-ins, without recording anything (the check-in page reads it first)',
    data: CheckinTokenPreviewSchema,
    guide: 'docs/operations.md#badges-and-check-in',
  },
};
