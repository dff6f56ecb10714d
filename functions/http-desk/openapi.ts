// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import * as z from 'zod';
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import {
  CheckInUndoSchema,
  CheckinTokenPreviewSchema,
  HandPromotionSchema,
  MeetingFillSchema,
  RegistrationSearchSchema,
  WaitingMoveSchema,
} from '#shared/openapi/answers/meetings.ts';

const TAG = 'Meetings: organisers';
const GUIDE = 'docs/operations.md#badges-and-check-in';
const WAITING_GUIDE = 'docs/operations.md#waiting-lists-by-hand';

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
  'POST /admin/registrations/{registrationId}/promote': {
    notFound: ['unknown-registration', 'unknown-meeting'],
    operationId: 'adminPromoteByHand',
    tag: TAG,
    summary: 'Give a waiting person the place by hand, whatever their rank, even past the capacity (said in the answer)',
    description:
      '`item`: the waiting list (`day:YYYY-MM-DD`, `remote:YYYY-MM-DD`, `workshop:<id>` or `evening`). The person is notified exactly as for an automatic promotion (email, and the form\'s callback); an on-site day decides their workshops of that day as an automatic promotion does. Idempotent: `already` when the place is theirs. Decided by the counter\'s condition (a free place, or a full item when `beyond_capacity`), so a race with an automatic promotion never grants the place twice. A registration not waiting on `item`: 400 naming `item`.',
    data: HandPromotionSchema,
    guide: WAITING_GUIDE,
    example: {
      body: { item: 'day:2027-06-09' },
      data: {
        registration_id: 'rexempleexempleexemple2a',
        item: 'day:2027-06-09',
        already: false,
        confirmed: 5,
        capacity: 4,
        waiting: 1,
        beyond_capacity: true,
        message: 'Place accordée au-delà de la capacité : 5 confirmées pour 4 places.',
      },
    },
  },
  'POST /admin/registrations/{registrationId}/waiting-position': {
    notFound: ['unknown-registration'],
    operationId: 'adminMoveInWaitingList',
    tag: TAG,
    summary: 'Move a waiting person to a position of the waiting list (1 = next to be promoted)',
    description:
      'Positions stay dense and unique for everyone (data sources, lists, CSV); the next automatic promotion takes the new order. A position past the end puts the person last. Decided by the list\'s counter: a join, a departure, a promotion or another move in between makes it decide again, so the position answered is exact at commit. A registration not waiting on `item`: 400 naming `item`.',
    data: WaitingMoveSchema,
    guide: WAITING_GUIDE,
    example: {
      body: { item: 'day:2027-06-09', position: 1 },
      data: { registration_id: 'rexempleexempleexemple2a', item: 'day:2027-06-09', moved: true, previous_position: 3, position: 1, waiting: 3 },
    },
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
