// Organiser API under /admin, authenticated with bearer tokens.
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { MeetingIdSchema, MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { meetingView } from '#shared/domain/meetings/views.ts';
import { httpApi, json, route } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const meetings = new MeetingService(new DynamoMeetingStore(ctx.ddb, ctx.config.dataTable));

export const routes = [
  route({
    method: 'GET',
    path: '/admin/meetings',
    auth: 'admin',
    handle: async ({ now }) => {
      const list = await meetings.listMeetings(now, true);
      const states = await Promise.all(list.map((m) => meetings.getMeeting(m.id)));
      return json({ err: 0, data: states.map(({ meeting, items }) => meetingView(meeting, items, now)) });
    },
  }),
  route({
    method: 'PUT',
    path: '/admin/meetings/{meetingId}',
    auth: 'admin',
    params: MeetingIdSchema,
    body: MeetingInputSchema,
    handle: async ({ params, body, now }) => {
      const { created } = await meetings.putMeeting(params.meetingId, body, now);
      const { meeting, items } = await meetings.getMeeting(params.meetingId);
      return json({ err: 0, data: { ...meetingView(meeting, items, now), created } }, created ? 201 : 200);
    },
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
