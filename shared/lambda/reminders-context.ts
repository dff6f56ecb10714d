// The reminder engine over DynamoDB, the reminders queue and SES: what the tick, the consumer
// and the owners' admin use cases build once per cold start.
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions } from '#shared/adapters/aws/client-options.ts';
import { DynamoDeliveryStore } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoMeetingReminderCatalog } from '#shared/adapters/dynamodb/meeting-reminder-catalog.ts';
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationStore } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoReminderLedger } from '#shared/adapters/dynamodb/reminder-ledger.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { MissingReminderQueue, SqsReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import type { MeetingStore } from '#shared/domain/meetings/ports.ts';
import type { RegistrationStore } from '#shared/domain/registrations/ports.ts';
import { ReminderDelivery, ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { MeetingReminderSource } from '#shared/domain/reminders/meeting-source.ts';
import type { ReminderQueue } from '#shared/domain/reminders/ports.ts';
import { sessionEmail } from '#shared/domain/reminders/session-email.ts';
import { SessionSeriesSource, type SessionReminderCatalog } from '#shared/domain/reminders/session-source.ts';
import { SessionCatalog } from '#shared/domain/sessions/reminder-catalog.ts';
import { DynamoSessionStore } from '#shared/adapters/dynamodb/session-repository.ts';
import { organizerOf, type ReminderSources } from '#shared/lambda/reminder-schedule.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export { organizerOf, type ReminderSources } from '#shared/lambda/reminder-schedule.ts';

/**
 * The sources of every owner kind. Stores not given are built over DynamoDB (tests pass fakes).
 */
export function createReminderSources(
  ctx: ServiceContext,
  stores: { meetings?: MeetingStore; registrations?: RegistrationStore; sessions?: SessionReminderCatalog } = {},
): ReminderSources {
  const meetings = stores.meetings ?? new DynamoMeetingStore(ctx.ddb, ctx.config.dataTable);
  const registrations = stores.registrations ?? new DynamoRegistrationStore(ctx.ddb, ctx.config.dataTable, meetings, ctx.config.nonceTable);
  const sources: ReminderSources = {
    meeting: new MeetingReminderSource(new DynamoMeetingReminderCatalog(ctx.ddb, ctx.config.dataTable, meetings, registrations), ctx.config.publicBaseUrl),
  };
  const sessions = stores.sessions ?? new SessionCatalog(new DynamoSessionStore(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable));
  sources['session-series'] = new SessionSeriesSource(sessions, {
    baseUrl: ctx.config.publicBaseUrl,
    organizer: organizerOf(ctx.config.mailFrom),
    render: sessionEmail,
  });
  return sources;
}

export function createReminderQueue(ctx: ServiceContext, sqs?: SQSClient): ReminderQueue {
  return ctx.config.remindersQueueUrl
    ? new SqsReminderQueue(sqs ?? new SQSClient(clientOptions(ctx.config.sqsEndpoint)), ctx.config.remindersQueueUrl)
    : new MissingReminderQueue();
}

export function createReminderEngine(ctx: ServiceContext, opts: { sources?: ReminderSources; queue?: ReminderQueue; budgetMs?: number } = {}) {
  return new ReminderEngine({
    sources: opts.sources ?? createReminderSources(ctx),
    ledger: new DynamoReminderLedger(ctx.ddb, ctx.config.dataTable),
    queue: opts.queue ?? createReminderQueue(ctx),
    ...(opts.budgetMs ? { budgetMs: opts.budgetMs } : {}),
  });
}

export function createReminderDelivery(ctx: ServiceContext, opts: { sources?: ReminderSources } = {}) {
  return new ReminderDelivery({
    sources: opts.sources ?? createReminderSources(ctx),
    deliveries: new DynamoDeliveryStore(ctx.ddb, ctx.config.dataTable),
    mailer: SesMailer.fromConfig(ctx.config),
  });
}
