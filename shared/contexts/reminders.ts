// The reminder engine's context: the ledger (schedules and dispatch records), the reminders
// queue, the delivery markers and SES. The engine itself knows no workflow: each context exports
// its own source (createMeetingReminderSource, createSurveyInvitationSource,
// createSessionReminderSource / createSessionDeliverySource) and the entry points say which
// sources they run with (functions/schedule-reminders, functions/queue-reminders).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { lazySqsClient } from '#shared/adapters/aws/lazy-client.ts';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { DynamoReminderRepository } from '#shared/adapters/dynamodb/reminder-repository.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { MissingReminderQueue, SqsReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import { DeliveryReports } from '#shared/domain/reminders/delivery-report.ts';
import { ReminderDelivery, ReminderEngine } from '#shared/domain/reminders/engine.ts';
import type { OwnerKind } from '#shared/domain/reminders/model.ts';
import { findOccurrence } from '#shared/domain/sessions/occurrences.ts';
import { parseOccurrenceId } from '#shared/domain/sessions/schema.ts';
import type { ReminderQueue, ReminderSchedule, ReminderSource } from '#shared/domain/reminders/ports.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export type ReminderSources = Partial<Record<OwnerKind, ReminderSource>>;

export function createReminderQueue(ctx: ServiceContext, sqs?: SQSClient): ReminderQueue {
  return ctx.config.remindersQueueUrl
    ? new SqsReminderQueue(sqs ?? lazySqsClient(ctx.config.sqsEndpoint), ctx.config.remindersQueueUrl)
    : new MissingReminderQueue();
}

/**
 * What an owner's admin use case needs of the engine: refreshNextDue, planned with the one
 * source of its own kind (no queue: nothing is sent from there). Each HTTP bundle then carries
 * only its own context's planning.
 */
export function createReminderSchedule(ctx: ServiceContext, sources: ReminderSources): ReminderSchedule {
  return new ReminderEngine({
    sources,
    ledger: new DynamoReminderRepository(ctx.ddb, ctx.config.dataTable),
    queue: new MissingReminderQueue(),
    logger,
  });
}

/**
 * The tick (`engine`: plan, record, fan out) and the consumer (`delivery`: compose and send
 * once in effect) over the given sources, and the delivery records (`deliveries`) the admin
 * reports read.
 */
export function createRemindersContext(ctx: ServiceContext, opts: { sources?: ReminderSources; queue?: ReminderQueue; budgetMs?: number } = {}) {
  const sources = opts.sources ?? {};
  const deliveries = new DynamoDeliveryRepository(ctx.ddb, ctx.config.dataTable);
  return {
    deliveries,
    engine: new ReminderEngine({
      sources,
      ledger: new DynamoReminderRepository(ctx.ddb, ctx.config.dataTable),
      queue: opts.queue ?? createReminderQueue(ctx),
      ...(opts.budgetMs ? { budgetMs: opts.budgetMs } : {}),
      logger,
    }),
    delivery: new ReminderDelivery({ sources, deliveries, mailer: SesMailer.fromConfig(ctx.config), logger }),
  };
}


/**
 * The delivery reports of GET /admin/{sessions,meetings,surveys}/{id}/deliveries: the reports
 * over the delivery markers and the ledger, and whether each kind of subject exists (an unknown
 * subject without history is a 404).
 */
export function createDeliveryReportsContext(ctx: ServiceContext) {
  const { dataTable, nonceTable } = ctx.config;
  const sessions = new DynamoSessionRepository(ctx.ddb, dataTable, nonceTable);
  const meetings = new DynamoMeetingRepository(ctx.ddb, dataTable);
  const surveys = new DynamoSurveyRepository(ctx.ddb, dataTable, nonceTable);
  return {
    reports: new DeliveryReports({
      deliveries: new DynamoDeliveryRepository(ctx.ddb, dataTable),
      ledger: new DynamoReminderRepository(ctx.ddb, dataTable),
    }),
    occurrenceExists: async (occurrenceId: string) => {
      const parsed = parseOccurrenceId(occurrenceId);
      if (!parsed) return false;
      const found = await sessions.findSeriesWithOverrides(parsed.seriesId);
      return found !== undefined && findOccurrence(found.series, found.overrides, parsed.date) !== undefined;
    },
    meetingExists: async (meetingId: string) => (await meetings.findMeeting(meetingId)) !== undefined,
    surveyExists: async (surveyId: string) => (await surveys.findSurvey(surveyId)) !== undefined,
  };
}
