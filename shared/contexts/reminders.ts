// The reminder engine's tick over DynamoDB and the reminders queue: what schedule-reminders
// builds once per cold start (the consumer's is reminder-delivery-context.ts).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { lazySqsClient } from '#shared/adapters/aws/lazy-client.ts';
import { DynamoReminderRepository } from '#shared/adapters/dynamodb/reminder-repository.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { MissingReminderQueue, SqsReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import { ReminderEngine } from '#shared/domain/reminders/engine.ts';
import type { ReminderQueue } from '#shared/domain/reminders/ports.ts';
import { SessionCatalog } from '#shared/domain/sessions/reminder-catalog.ts';
import type { ReminderSources } from '#shared/lambda/reminder-schedule.ts';
import { createReminderSources } from '#shared/lambda/reminder-sources.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export { organizerOf, type ReminderSources } from '#shared/lambda/reminder-schedule.ts';

export function createReminderQueue(ctx: ServiceContext, sqs?: SQSClient): ReminderQueue {
  return ctx.config.remindersQueueUrl
    ? new SqsReminderQueue(sqs ?? lazySqsClient(ctx.config.sqsEndpoint), ctx.config.remindersQueueUrl)
    : new MissingReminderQueue();
}

export function createReminderEngine(ctx: ServiceContext, opts: { sources?: ReminderSources; queue?: ReminderQueue; budgetMs?: number } = {}) {
  const sessions = new SessionCatalog(new DynamoSessionRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable));
  return new ReminderEngine({
    sources: opts.sources ?? createReminderSources(ctx, { sessions }),
    ledger: new DynamoReminderRepository(ctx.ddb, ctx.config.dataTable),
    queue: opts.queue ?? createReminderQueue(ctx),
    ...(opts.budgetMs ? { budgetMs: opts.budgetMs } : {}),
  });
}
