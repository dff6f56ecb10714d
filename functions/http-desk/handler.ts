// The organisers' desk under /admin (admin token or console session): what the console's
// meeting and door pages need beside the http-admin routes — a meeting's fill levels from its
// counters (one Query), a bounded and paged search of its registrations, undoing a check-in,
// and what a badge's token names before the check-in; and the waiting lists by hand (promote a
// waiting person, move them in the list). A function of its own: http-admin's bundle is at its
// size budget, and these reads stay small.
import * as z from 'zod';
import { createDeskContext } from '#shared/contexts/desk.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { meetingFill } from '#shared/domain/registrations/exports.ts';
import { RegistrationIdSchema } from '#shared/domain/registrations/schema.ts';
import { httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zBool, zDate, zEnum, zInt, zOptional, zOptionalInt, zOptionalText } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { meetings, desk, waitingList } = createDeskContext(ctx);

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
// The waiting list a request is on: an on-site day, a remote day, a workshop, the evening.
const WaitingItem = z.string().regex(/^((day|remote):\d{4}-\d{2}-\d{2}|workshop:[a-z0-9][a-z0-9_-]{0,62}|evening)$/, {
  error: 'Liste attendue : day:AAAA-MM-JJ, remote:AAAA-MM-JJ, workshop:<identifiant> ou evening.',
});
const PromoteBody = z.object({ item: WaitingItem });
const MoveBody = z.object({ item: WaitingItem, position: zInt({ min: 1, max: 100_000 }) });
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
    method: 'POST',
    path: '/admin/registrations/{registrationId}/promote',
    auth: 'admin',
    params: RegistrationIdSchema,
    body: PromoteBody,
    audit: { action: 'registration.promote', counts: (data) => ({ promoted: (data as { already?: boolean }).already ? 0 : 1 }) },
    handle: async ({ params, body, now }) => {
      const p = await waitingList.promote(params.registrationId, body.item, now);
      return publikOk({
        registration_id: p.registration.id,
        item: p.item,
        already: p.already,
        confirmed: p.confirmed,
        capacity: p.capacity,
        waiting: p.waiting,
        beyond_capacity: p.beyond_capacity,
        message: p.already
          ? 'Cette personne avait déjà sa place : rien n’a changé.'
          : p.beyond_capacity
            ? `Place accordée au-delà de la capacité : ${p.confirmed} confirmées pour ${p.capacity} places.`
            : 'Place accordée : la personne est prévenue comme pour une place libérée.',
      });
    },
  }),
  route({
    method: 'POST',
    path: '/admin/registrations/{registrationId}/waiting-position',
    auth: 'admin',
    params: RegistrationIdSchema,
    body: MoveBody,
    audit: { action: 'registration.waiting-move', counts: (data) => ({ position: (data as { position: number }).position }) },
    handle: async ({ params, body, now }) => {
      const m = await waitingList.move(params.registrationId, body.item, body.position, now);
      return publikOk({
        registration_id: m.registration.id,
        item: m.item,
        moved: m.moved,
        previous_position: m.previous_position,
        position: m.position,
        waiting: m.waiting,
      });
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
