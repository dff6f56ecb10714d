// The sources of every owner kind over DynamoDB, for the tick and the consumer. The session
// catalog and the email renderer are given by the caller: the tick plans with SessionCatalog
// (which expands recurrence rules) and renders nothing; the consumer reads one occurrence at a
// time (SessionDeliveryCatalog) and renders. Each bundle then carries only what it runs.
import { DynamoMeetingReminderCatalog } from '#shared/adapters/dynamodb/meeting-reminder-catalog.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { RegistrationRepository } from '#shared/domain/registrations/ports.ts';
import { MeetingReminderSource } from '#shared/domain/registrations/reminder-source.ts';
import { SessionSeriesSource, type SessionReminderCatalog, type SessionSourceOptions } from '#shared/domain/sessions/reminder-source.ts';
import { organizerOf, type ReminderSources } from '#shared/lambda/reminder-schedule.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';
import { createSurveyInvitationSource } from '#shared/lambda/survey-reminders.ts';

export function createReminderSources(
  ctx: ServiceContext,
  stores: {
    sessions: SessionReminderCatalog;
    /** The session emails' renderer (the consumer's); absent where nothing is composed. */
    render?: SessionSourceOptions['render'];
    meetings?: MeetingRepository;
    registrations?: RegistrationRepository;
  },
): ReminderSources {
  const meetings = stores.meetings ?? new DynamoMeetingRepository(ctx.ddb, ctx.config.dataTable);
  const registrations = stores.registrations ?? new DynamoRegistrationRepository(ctx.ddb, ctx.config.dataTable, meetings, ctx.config.nonceTable);
  return {
    meeting: new MeetingReminderSource(new DynamoMeetingReminderCatalog(ctx.ddb, ctx.config.dataTable, meetings, registrations), ctx.config.publicBaseUrl),
    survey: createSurveyInvitationSource(ctx, { meetings, registrations }),
    'session-series': new SessionSeriesSource(stores.sessions, {
      baseUrl: ctx.config.publicBaseUrl,
      organizer: organizerOf(ctx.config.mailFrom),
      ...(stores.render ? { render: stores.render } : {}),
    }),
  };
}
