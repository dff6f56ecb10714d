// The sessions context over DynamoDB and the reminders queue (http-sessions), and the session
// reminder source in its two shapes: the tick's, which plans (SessionCatalog expands the
// recurrence rules) and renders nothing, and the consumer's, which reads one occurrence at a
// time (SessionDeliveryCatalog) and renders the emails with their iCalendar invitations. Each
// bundle then carries only what it runs.
import { lazySqsClient } from '#shared/adapters/aws/lazy-client.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { MissingConfirmationPublisher, SqsConfirmationPublisher } from '#shared/adapters/sqs/session-confirmations.ts';
import { createReminderSchedule } from '#shared/contexts/reminders.ts';
import type { SessionRepository } from '#shared/domain/sessions/ports.ts';
import { SessionDeliveryCatalog } from '#shared/domain/sessions/delivery-catalog.ts';
import { SessionCatalog } from '#shared/domain/sessions/reminder-catalog.ts';
import { sessionEmail } from '#shared/domain/sessions/reminder-email.ts';
import { SessionSeriesSource, type SessionReminderCatalog, type SessionSourceOptions } from '#shared/domain/sessions/reminder-source.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';
import { parseMailFrom } from '#shared/mail-from.ts';

const CLUB = 'Club utilisateurs Publik';

/** MAIL_FROM as the ORGANIZER of the invitations. */
export function organizerOf(mailFrom: string): { name: string; email: string } {
  const parsed = parseMailFrom(mailFrom);
  return { name: parsed?.name ?? CLUB, email: parsed?.address ?? mailFrom.trim() };
}

const repositoryOf = (ctx: ServiceContext) => new DynamoSessionRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);

function sessionSource(ctx: ServiceContext, catalog: SessionReminderCatalog, render?: SessionSourceOptions['render']) {
  return new SessionSeriesSource(catalog, {
    baseUrl: ctx.config.publicBaseUrl,
    organizer: organizerOf(ctx.config.mailFrom),
    ...(render ? { render } : {}),
  });
}

/** The tick's session source: plans and fans out, composes nothing. */
export function createSessionReminderSource(ctx: ServiceContext, store: SessionRepository = repositoryOf(ctx)) {
  return sessionSource(ctx, new SessionCatalog(store));
}

/** The consumer's session source: composes one email at a time, never plans. */
export function createSessionDeliverySource(ctx: ServiceContext) {
  return sessionSource(ctx, new SessionDeliveryCatalog(repositoryOf(ctx)), sessionEmail);
}

export function createSessionsContext(ctx: ServiceContext) {
  const store = repositoryOf(ctx);
  const confirmations = ctx.config.remindersQueueUrl
    ? new SqsConfirmationPublisher(lazySqsClient(ctx.config.sqsEndpoint), ctx.config.remindersQueueUrl)
    : new MissingConfirmationPublisher(logger);
  // A series or occurrence change reschedules its reminders (the engine's planning only).
  const reminders = createReminderSchedule(ctx, { 'session-series': createSessionReminderSource(ctx, store) });
  const sessions = new SessionService({ store, confirmations, baseUrl: ctx.config.publicBaseUrl, logger, reminders });
  return { store, sessions };
}
