// Meetings data sources and registration webservices, called by w.c.s. with signed URLs.
import { z } from 'zod';
import { filterDataSource } from '#shared/publik/data-source.ts';
import { zDate } from '#shared/publik/coerce.ts';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions } from '#shared/adapters/aws/client-options.ts';
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationStore } from '#shared/adapters/dynamodb/registration-repository.ts';
import { MissingQueuePublisher, SqsNotificationPublisher } from '#shared/adapters/sqs/notification-queue.ts';
import { RegistrationIdSchema, RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { MeetingIdSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import {
  dayDataSourceItems,
  meetingDataSourceItem,
  meetingView,
  workshopDataSourceItems,
} from '#shared/domain/meetings/views.ts';
import { DataSourceQuerySchema, optionalParam } from '#shared/lambda/data-source-query.ts';
import { httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const meetingStore = new DynamoMeetingStore(ctx.ddb, ctx.config.dataTable);
const meetings = new MeetingService(meetingStore);
const registrations = new RegistrationService({
  meetings: meetingStore,
  store: new DynamoRegistrationStore(ctx.ddb, ctx.config.dataTable, meetingStore),
  publisher: ctx.config.notifyQueueUrl
    ? new SqsNotificationPublisher(new SQSClient(clientOptions(ctx.config.sqsEndpoint)), ctx.config.notifyQueueUrl)
    : new MissingQueuePublisher(),
  baseUrl: ctx.config.publicBaseUrl,
});

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
    path: '/meetings/{meetingId}/days',
    auth: 'publik',
    params: MeetingIdSchema,
    query: DataSourceQuerySchema,
    handle: async ({ params, query }) => {
      const { meeting, items } = await meetings.getMeeting(params.meetingId);
      return publikOk(filterDataSource(dayDataSourceItems(meeting, items), query));
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
    handle: async ({ params, body, now }) => publikOk((await registrations.register(params.meetingId, body, now)).answer),
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
    handle: async ({ params, body, now }) => publikOk((await registrations.modify(params.registrationId, body, now)).answer),
  }),
  route({
    method: 'POST',
    path: '/registrations/{registrationId}/cancel',
    auth: 'publik',
    params: RegistrationIdSchema,
    handle: async ({ params, now }) => publikOk((await registrations.cancel(params.registrationId, now)).answer),
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
