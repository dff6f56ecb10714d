// Meetings data sources and registration webservices, called by w.c.s. with signed URLs.
import * as z from 'zod';
import { assertCallbackHost } from '#shared/publik/callback-host.ts';
import { zDate, zEnum, zOptional } from '#shared/publik/coerce.ts';
import type { VerifiedSignature } from '#shared/publik/signature.ts';
import { filterDataSource } from '#shared/publik/data-source.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { programmeView } from '#shared/domain/meetings/programme.ts';
import {
  dayDataSourceItems,
  meetingDataSourceItem,
  meetingView,
  workshopDataSourceItems,
} from '#shared/domain/meetings/views.ts';
import { RegistrationIdSchema, RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { DataSourceQuerySchema, optionalParam } from '#shared/lambda/data-source-query.ts';
import { registrationCalendar } from '#shared/domain/registrations/calendar.ts';
import { httpApi, publikOk, route, text } from '#shared/lambda/http.ts';
import { createRegistrationsContext } from '#shared/contexts/registrations.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const { meetings, registrations } = createRegistrationsContext(ctx);

/** We only ever call back the Publik host that signed the call (see shared/publik/callback-host.ts). */
function checkCallbackHost(callbackUrl: string | undefined, caller: VerifiedSignature | undefined): void {
  if (callbackUrl === undefined) return;
  assertCallbackHost(callbackUrl, caller?.orig);
}

export const routes = [
  route({
    method: 'GET',
    path: '/meetings',
    auth: 'publik',
    query: DataSourceQuerySchema.extend({ all: optionalParam }),
    handle: async ({ query, now }) => {
      // A lookup by id also finds a closed meeting (w.c.s. shows the stored choice), disabled.
      const includeClosed = query.id !== undefined || ['1', 'true', 'oui'].includes(query.all ?? '');
      const list = await meetings.listMeetings(now, includeClosed);
      return publikOk(filterDataSource(list.map((m) => meetingDataSourceItem(m, now)), query));
    },
  }),
  route({
    method: 'GET',
    path: '/meetings/{meetingId}',
    auth: 'publik',
    params: MeetingIdSchema,
    handle: async ({ params, now }) => {
      const { meeting, items } = await meetings.getMeeting(params.meetingId);
      return publikOk(meetingView(meeting, items, now));
    },
  }),
  route({
    method: 'GET',
    path: '/meetings/{meetingId}/programme',
    auth: 'publik',
    params: MeetingIdSchema,
    handle: async ({ params }) => publikOk(programmeView((await meetings.getMeeting(params.meetingId)).meeting)),
  }),
  route({
    method: 'GET',
    path: '/meetings/{meetingId}/days',
    auth: 'publik',
    params: MeetingIdSchema,
    query: DataSourceQuerySchema.extend({ mode: zOptional(zEnum(['onsite'], 'le mode')) }),
    handle: async ({ params, query }) => {
      const { meeting, items } = await meetings.getMeeting(params.meetingId);
      return publikOk(filterDataSource(dayDataSourceItems(meeting, items, query.mode), query));
    },
  }),
  route({
    method: 'GET',
    path: '/meetings/{meetingId}/workshops',
    auth: 'publik',
    params: MeetingIdSchema,
    query: DataSourceQuerySchema.extend({
      day: z.preprocess((v) => (v === '' ? undefined : v), zDate().optional()),
    }),
    handle: async ({ params, query }) => {
      const { meeting, items } = await meetings.getMeeting(params.meetingId);
      return publikOk(filterDataSource(workshopDataSourceItems(meeting, items, query.day), query));
    },
  }),
  route({
    method: 'POST',
    path: '/meetings/{meetingId}/registrations',
    auth: 'publik',
    params: MeetingIdSchema,
    body: RegistrationRequestSchema,
    contextIssues: ({ fields, params }) => registrations.requestFieldIssues({ meetingId: params.meetingId }, fields),
    handle: async ({ params, body, now, caller, nonce }) => {
      checkCallbackHost(body.callback_url, caller);
      return publikOk((await registrations.register(params.meetingId, body, now, nonce)).answer);
    },
  }),
  route({
    method: 'GET',
    path: '/registrations/{registrationId}',
    auth: 'publik',
    params: RegistrationIdSchema,
    handle: async ({ params }) => publikOk((await registrations.getRegistration(params.registrationId)).answer),
  }),
  route({
    method: 'POST',
    path: '/registrations/{registrationId}',
    auth: 'publik',
    params: RegistrationIdSchema,
    body: RegistrationRequestSchema,
    contextIssues: ({ fields, params }) => registrations.requestFieldIssues({ registrationId: params.registrationId }, fields),
    handle: async ({ params, body, now, caller, nonce }) => {
      checkCallbackHost(body.callback_url, caller);
      return publikOk((await registrations.modify(params.registrationId, body, now, nonce)).answer);
    },
  }),
  route({
    method: 'POST',
    path: '/registrations/{registrationId}/cancel',
    auth: 'publik',
    params: RegistrationIdSchema,
    handle: async ({ params, now, nonce }) => publikOk((await registrations.cancel(params.registrationId, now, nonce)).answer),
  }),
  route({
    // A personal link (given to the person, opened by calendar apps): no Publik signature,
    // the unguessable token of the registration instead. Unknown id or wrong token: same 404.
    method: 'GET',
    path: '/registrations/{registrationId}/calendar.ics',
    auth: 'none',
    params: RegistrationIdSchema,
    query: z.object({ token: optionalParam }),
    handle: async ({ params, query, now }) => {
      const { meeting, registration } = await registrations.calendarSubject(params.registrationId, query.token);
      const ics = registrationCalendar(meeting, registration, { now });
      return text(ics, 'text/calendar; charset=utf-8', { 'content-disposition': `attachment; filename="${meeting.id}.ics"` });
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
