// The sources of every owner kind over DynamoDB, for the tick and the consumer. The session
// catalog and the email renderer are given by the caller: the tick plans with SessionCatalog
// (which expands recurrence rules) and renders nothing; the consumer reads one occurrence at a
// time (SessionDeliveryCatalog) and renders. Each bundle then carries only what it runs.
import { DynamoMeetingReminderCatalog } from '#shared/adapters/dynamodb/meeting-reminder-catalog.ts';
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationStore } from '#shared/adapters/dynamodb/registration-repository.ts';
import type { MeetingStore } from '#shared/domain/meetings/ports.ts';
import type { RegistrationStore } from '#shared/domain/registrations/ports.ts';
import { MeetingReminderSource, type MeetingCalendarRenderer } from '#shared/domain/reminders/meeting-source.ts';
import { SessionSeriesSource, type SessionReminderCatalog, type SessionSourceOptions } from '#shared/domain/reminders/session-source.ts';
import { organizerOf, type ReminderSources } from '#shared/lambda/reminder-schedule.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';
import { createSurveyInvitationSource } from '#shared/lambda/survey-reminders.ts';

export function createReminderSources(
  ctx: ServiceContext,
  stores: {
    sessions: SessionReminderCatalog;
    /** The session emails' renderer (the consumer's); absent where nothing is composed. */
    render?: SessionSourceOptions['render'];
    /** The meeting reminders' calendar renderer (the consumer's); absent where nothing is composed. */
    meetingCalendar?: MeetingCalendarRenderer;
    meetings?: MeetingStore;
    registrations?: RegistrationStore;
  },
): ReminderSources {
  const meetings = stores.meetings ?? new DynamoMeetingStore(ctx.ddb, ctx.config.dataTable);
  const registrations = stores.registrations ?? new DynamoRegistrationStore(ctx.ddb, ctx.config.dataTable, meetings, ctx.config.nonceTable);
  return {
    meeting: new MeetingReminderSource(
      new DynamoMeetingReminderCatalog(ctx.ddb, ctx.config.dataTable, meetings, registrations),
      ctx.config.publicBaseUrl,
      stores.meetingCalendar,
    ),
    survey: createSurveyInvitationSource(ctx, { meetings, registrations }),
    'session-series': new SessionSeriesSource(stores.sessions, {
      baseUrl: ctx.config.publicBaseUrl,
      organizer: organizerOf(ctx.config.mailFrom),
      ...(stores.render ? { render: stores.render } : {}),
    }),
  };
}
