// What organisers change a meeting with: the registration context plus MeetingChanges, which
// reschedules the meeting's reminders (the engine's planning with the meeting source only). A
// file of its own so that the registration and maintenance bundles never carry the engine.
import { DynamoMeetingReminderCatalog } from '#shared/adapters/dynamodb/meeting-reminder-catalog.ts';
import { MeetingChanges } from '#shared/domain/registrations/meeting-changes.ts';
import { MeetingReminderSource } from '#shared/domain/registrations/reminder-source.ts';
import { createReminderSchedule } from '#shared/lambda/reminder-schedule.ts';
import { createRegistrationContext, type ServiceContext } from '#shared/lambda/service-context.ts';

export function createMeetingAdminContext(ctx: ServiceContext) {
  const base = createRegistrationContext(ctx);
  const catalog = new DynamoMeetingReminderCatalog(ctx.ddb, ctx.config.dataTable, base.meetingRepository, base.registrationRepository);
  const schedule = createReminderSchedule(ctx, { meeting: new MeetingReminderSource(catalog, ctx.config.publicBaseUrl) });
  return { ...base, meetingChanges: new MeetingChanges(base.meetings, base.meetingRepository, base.registrations, base.registrationRepository, schedule) };
}
