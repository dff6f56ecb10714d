// The session use cases over DynamoDB and the reminder engine's queue, built once per cold start.
import { lazySqsClient } from '#shared/adapters/aws/lazy-client.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { MissingConfirmationQueue, SqsConfirmationPublisher } from '#shared/adapters/sqs/session-confirmations.ts';
import { SessionCatalog } from '#shared/domain/sessions/reminder-catalog.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { SessionSeriesSource } from '#shared/domain/sessions/reminder-source.ts';
import { createReminderSchedule, organizerOf } from '#shared/lambda/reminder-schedule.ts';
import { logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createSessionsContext(ctx: ServiceContext) {
  const store = new DynamoSessionRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);
  const warn = (message: string, attributes: Record<string, unknown> = {}) => logger.warn(message, attributes);
  const confirmations = ctx.config.remindersQueueUrl
    ? new SqsConfirmationPublisher(lazySqsClient(ctx.config.sqsEndpoint), ctx.config.remindersQueueUrl)
    : new MissingConfirmationQueue(warn);
  const reminders = createReminderSchedule(ctx, {
    'session-series': new SessionSeriesSource(new SessionCatalog(store), {
      baseUrl: ctx.config.publicBaseUrl,
      organizer: organizerOf(ctx.config.mailFrom),
    }),
  });
  const sessions = new SessionService({ store, confirmations, baseUrl: ctx.config.publicBaseUrl, logger: { warn }, reminders });
  return { store, sessions };
}
