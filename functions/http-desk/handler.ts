// The organisers' desk under /admin (admin token or console session): what the console's
// meeting and door pages need beside the http-admin routes — a meeting's fill levels from its
// counters (one Query), a bounded and paged search of its registrations, undoing a check-in,
// and what a badge's token names before the check-in. A function of its own: http-admin's
// bundle is at its size budget, and these reads stay small.
import * as z from 'zod';
import { createDeskContext } from '#shared/contexts/desk.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { meetingFill } from '#shared/domain/registrations/exports.ts';
import { RegistrationIdSchema } from '#shared/domain/registrations/schema.ts';
import { httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zBool, zDate, zEnum, zOptional, zOptionalInt, zOptionalText } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { meetings, desk } = createDeskContext(ctx);

const SearchQuery = z.object({
  q: zOptionalText({ max: 100 }),
  day: zOptional(zDate()),
  mode: zOptional(zEnum(['onsite', 'remote'], 'le mode')),
  status: zOptional(zEnum(['confirmed', 'partial', 'waiting', 'cancelled'], 'le statut')),
  checked_in: zOptional(zBool()),
  cursor: zOptionalText({ max: 600 }),
  limit: zOptionalInt({ min: 1, max: 100 }),
});
const UndoParams = RegistrationIdSchema.extend({ day: zDate() });
// The token's format is checked by the use case: a malformed token is as unknown as any (404).
const CheckinTokenParams = z.object({ checkinToken: z.string().max(200) });

export const routes = [
  route({
    method: 'GET',
    path: '/admin/meetings/{meetingId}/fill',
    auth: 'admin',
    params: MeetingIdSchema,
    handle: async ({ params }) => {
      const { meeting, items } = await meetings.getMeeting(params.meetingId);
      return publikOk({ meeting_id: meeting.id, title: meeting.title, timezone: meeting.timezone, ...meetingFill(meeting, items) });
    },
  }),
  route({
    method: 'GET',
    path: '/admin/meetings/{meetingId}/registrations/search',
    auth: 'admin',
    params: MeetingIdSchema,
    query: SearchQuery,
    handle: async ({ params, query }) => {
      const filter = { q: query.q, day: query.day, mode: query.mode, status: query.status, checkedIn: query.checked_in };
      const { rows, cursor, read } = await desk.search(params.meetingId, filter, query.cursor ?? null, query.limit ?? 50);
      return publikOk(rows, { count: rows.length, next_cursor: cursor, read });
    },
  }),
  route({
    method: 'DELETE',
    path: '/admin/registrations/{registrationId}/check-in/{day}',
    auth: 'admin',
    params: UndoParams,
    audit: { action: 'registration.check-in-undo', target: (request) => request.params.registrationId, counts: (data) => ({ removed: (data as { removed?: boolean }).removed ? 1 : 0 }) },
    handle: async ({ params }) => {
      const { removed, checkedIn } = await desk.undoCheckIn(params.registrationId, params.day);
      return publikOk({ registration_id: params.registrationId, day: params.day, removed, checked_in: checkedIn });
    },
  }),
  route({
    method: 'GET',
    path: '/admin/check-in/{checkinToken}',
    auth: 'admin',
    // The path is the badge's secret: logs and errors name the route only.
    secretPath: true,
    params: CheckinTokenParams,
    handle: async ({ params, now }) => publikOk(await desk.tokenPreview(params.checkinToken, now)),
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
