// The registrations context over DynamoDB and the notification queue: the meeting and
// registration use cases (http-registration, schedule-maintenance, and the base of the meetings
// context) and the meeting reminder source the reminder engine plans and composes with.
// Built once per cold start.
import { lazySqsClient } from '#shared/adapters/aws/lazy-client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { MissingNotificationPublisher, SqsNotificationPublisher } from '#shared/adapters/sqs/notification-queue.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import type { NotificationPublisher, RegistrationRepository, WaitingListRepository } from '#shared/domain/registrations/ports.ts';
import { MeetingReminderSource, type MeetingCalendarRenderer } from '#shared/domain/registrations/reminder-source.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';
import { checkinKeyOf } from '#shared/lambda/checkin-key.ts';

export interface RegistrationRepositories {
  meetingRepository: MeetingRepository;
  registrationRepository: RegistrationRepository & WaitingListRepository;
}

/** The meeting and registration repositories over the data table. */
export function createRegistrationRepositories(ctx: ServiceContext): RegistrationRepositories {
  const meetingRepository = new DynamoMeetingRepository(ctx.ddb, ctx.config.dataTable);
  const registrationRepository = new DynamoRegistrationRepository(ctx.ddb, ctx.config.dataTable, meetingRepository, ctx.config.nonceTable);
  return { meetingRepository, registrationRepository };
}

/** The notification queue's publisher (promotions, confirmations), or the one that says it is missing. */
export function createNotificationPublisher(ctx: ServiceContext): NotificationPublisher {
  return ctx.config.notifyQueueUrl
    ? new SqsNotificationPublisher(lazySqsClient(ctx.config.sqsEndpoint), ctx.config.notifyQueueUrl)
    : new MissingNotificationPublisher();
}

export function createRegistrationsContext(ctx: ServiceContext) {
  const { meetingRepository, registrationRepository } = createRegistrationRepositories(ctx);
  const publisher = createNotificationPublisher(ctx);
  const meetings = new MeetingService(meetingRepository);
  const registrations = new RegistrationService({
    meetings: meetingRepository,
    store: registrationRepository,
    publisher,
    baseUrl: ctx.config.publicBaseUrl,
    checkinKey: checkinKeyOf(ctx),
    logger,
  });
  return { meetingRepository, registrationRepository, meetings, registrations };
}

/** The meeting reminders (a meeting's `reminders` rules) for the reminder engine. */
export function createMeetingReminderSource(
  ctx: ServiceContext,
  repositories: RegistrationRepositories = createRegistrationRepositories(ctx),
  /** The personal calendar attached to each reminder: given by the consumer only (the tick composes nothing). */
  calendar?: MeetingCalendarRenderer,
) {
  return new MeetingReminderSource(
    { meetings: repositories.meetingRepository, registrations: repositories.registrationRepository },
    ctx.config.publicBaseUrl,
    calendar,
  );
}
