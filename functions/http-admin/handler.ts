// Organiser API under /admin, authenticated with bearer tokens. Lists answer JSON by default
// and CSV (for Excel/LibreOffice) with `?format=csv`.
import * as z from 'zod';
import type { Sheet } from '#shared/domain/csv.ts';
import { MeetingIdSchema, MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { overbookedItems } from '#shared/domain/meetings/items.ts';
import { meetingView } from '#shared/domain/meetings/views.ts';
import {
  countsSheet,
  eveningList,
  eveningSheet,
  imageRightsRefusals,
  meetingCounts,
  refusalsSheet,
  registrationList,
  registrationsSheet,
  rosterSheet,
  workshopRoster,
} from '#shared/domain/registrations/exports.ts';
import { RegistrationIdSchema } from '#shared/domain/registrations/schema.ts';
import { adminPutRoute, httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { countsOf, stringField } from '#shared/lambda/audit-fields.ts';
import { createMeetingMessagesContext, createMeetingsContext } from '#shared/contexts/meetings.ts';
import { messageAnswer, MessageInputSchema } from '#shared/domain/meetings/messages.ts';
import { adminListRoute, csvDownload, FormatQuery } from '#shared/lambda/csv-answer.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { zBool, zDate, zOptional, zSlug } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { meetings, registrations, registrationRepository, meetingChanges } = createMeetingsContext(ctx);
const { messages } = createMeetingMessagesContext(ctx);

const RegistrationsQuery = FormatQuery.extend({ include_cancelled: zOptional(zBool()) });
const WorkshopParams = MeetingIdSchema.extend({ workshopId: zSlug() });
const CheckInBody = z.object({ day: zDate() });
// The token's format is checked by the use case: a malformed token is as unknown as any (404).
const CheckinTokenParams = z.object({ checkinToken: z.string().max(200) });
const TokenCheckInBody = z.object({ day: zOptional(zDate()), force: zOptional(zBool()) });

/** The meeting, its live counters and every registration (organiser lists: ~100 people). */
async function meetingState(meetingId: string) {
  const { meeting, items } = await meetings.getMeeting(meetingId);
  return { meeting, items, regs: await registrationRepository.listByMeeting(meetingId) };
}

type MeetingState = Awaited<ReturnType<typeof meetingState>>;

/**
 * A list drawn from a meeting's registrations (roster, evening, refusals): JSON by default,
 * its sheet with `?format=csv`; `siblings` adds keys beside `data` (e.g. a count).
 */
function meetingListRoute<P extends { meetingId: string } & Record<string, string>, L>(
  path: string,
  params: z.ZodType<P>,
  build: (meeting: MeetingState['meeting'], regs: MeetingState['regs'], params: P) => L,
  download: (meeting: MeetingState['meeting'], list: L) => { sheet: Sheet; filename: string },
  siblings?: (list: L) => Record<string, unknown>,
) {
  return adminListRoute(path, params, async (p) => {
    const { meeting, regs } = await meetingState(p.meetingId);
    const list = build(meeting, regs, p);
    return { data: list, siblings: siblings?.(list), csv: () => download(meeting, list) };
  });
}

export const routes = [
  route({
    method: 'GET',
    path: '/admin/meetings',
    auth: 'admin',
    handle: async ({ now }) => {
      const list = await meetings.listMeetings(now, true);
      const states = await Promise.all(list.map((m) => meetings.getMeeting(m.id)));
      return publikOk(states.map(({ meeting, items }) => meetingView(meeting, items, now)));
    },
  }),
  adminPutRoute({
    path: '/admin/meetings/{meetingId}',
    params: MeetingIdSchema,
    body: MeetingInputSchema,
    audit: { action: 'meeting.put', counts: (data) => countsOf(data, ['promoted']) },
    put: async ({ params, body, now }) => {
      // A raised capacity lets waiting requests in: `promoted` says how many.
      const { created, promoted } = await meetingChanges.putMeeting(params.meetingId, body, now);
      const { meeting, items } = await meetings.getMeeting(params.meetingId);
      // With allow_overbooking, the items now holding more people than places.
      const overbooked = overbookedItems(items);
      const data = { ...meetingView(meeting, items, now), created, promoted, ...(body.allow_overbooking ? { overbooked } : {}) };
      return { data, created };
    },
  }),
  route({
    method: 'GET',
    path: '/admin/meetings/{meetingId}',
    auth: 'admin',
    params: MeetingIdSchema,
    query: FormatQuery,
    handle: async ({ params, query, now }) => {
      const { meeting, items, regs } = await meetingState(params.meetingId);
      const counts = meetingCounts(meeting, items, regs);
      if (query.format === 'csv') return csvDownload(countsSheet(counts), `${meeting.id}-comptages.csv`);
      return publikOk({ ...meetingView(meeting, items, now), counts });
    },
  }),
  route({
    method: 'GET',
    path: '/admin/meetings/{meetingId}/registrations',
    auth: 'admin',
    params: MeetingIdSchema,
    query: RegistrationsQuery,
    handle: async ({ params, query }) => {
      const { meeting, items, regs } = await meetingState(params.meetingId);
      if (query.format === 'csv') return csvDownload(registrationsSheet(meeting, regs), `${meeting.id}-inscriptions.csv`);
      const data = registrationList(meeting, regs, { includeCancelled: query.include_cancelled === true });
      return publikOk(data, { count: data.length, counts: meetingCounts(meeting, items, regs) });
    },
  }),
  meetingListRoute(
    '/admin/meetings/{meetingId}/workshops/{workshopId}/roster',
    WorkshopParams,
    (meeting, regs, params) => workshopRoster(meeting, regs, params.workshopId),
    (meeting, roster) => ({ sheet: rosterSheet(meeting, roster), filename: `${meeting.id}-atelier-${roster.workshop.id}.csv` }),
  ),
  meetingListRoute(
    '/admin/meetings/{meetingId}/evening',
    MeetingIdSchema,
    (meeting, regs) => eveningList(meeting, regs),
    (meeting, list) => ({ sheet: eveningSheet(list), filename: `${meeting.id}-soiree.csv` }),
  ),
  meetingListRoute(
    '/admin/meetings/{meetingId}/image-rights-refusals',
    MeetingIdSchema,
    (meeting, regs) => imageRightsRefusals(meeting, regs),
    (meeting, refusals) => ({ sheet: refusalsSheet(refusals), filename: `${meeting.id}-ne-pas-photographier.csv` }),
    (refusals) => ({ count: refusals.length }),
  ),
  route({
    method: 'POST',
    path: '/admin/registrations/{registrationId}/check-in',
    auth: 'admin',
    params: RegistrationIdSchema,
    body: CheckInBody,
    audit: { action: 'registration.check-in' },
    handle: async ({ params, body, now }) => {
      const { registration, checkedInAt, already } = await registrations.checkIn(params.registrationId, body.day, now);
      return publikOk({
        registration_id: registration.id,
        day: body.day,
        checked_in_at: checkedInAt,
        already_checked_in: already,
        checked_in: registration.checked_in,
      });
    },
  }),
  route({
    method: 'POST',
    path: '/admin/check-in/{checkinToken}',
    auth: 'admin',
    // The path is the badge's secret: logs and errors name the route only.
    secretPath: true,
    params: CheckinTokenParams,
    body: TokenCheckInBody,
    // Recorded under the registration's id, never the token.
    audit: { action: 'registration.check-in', target: (_request, data) => stringField(data, 'registration_id') },
    handle: async ({ params, body, now }) => {
      const { registration, day, checkedInAt, already } = await registrations.checkInByToken(
        params.checkinToken,
        { day: body.day, force: body.force === true },
        now,
      );
      return publikOk({
        registration_id: registration.id,
        name: [registration.first_name, registration.last_name].filter(Boolean).join(' '),
        organisation: registration.organisation,
        day,
        checked_in_at: checkedInAt,
        already,
      });
    },
  }),
  route({
    method: 'POST',
    path: '/admin/meetings/{meetingId}/messages',
    auth: 'admin',
    params: MeetingIdSchema,
    body: MessageInputSchema,
    // The meeting is the target; the subject and text are the organiser's, never in the record.
    audit: { action: 'meeting.message', target: (request) => request.params.meetingId },
    handle: async ({ params, body, now }) => publikOk(messageAnswer(await messages.post(params.meetingId, body, now))),
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
