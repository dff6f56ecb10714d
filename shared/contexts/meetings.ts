// The meetings context: what organisers change a meeting with (http-admin). The registrations
// context plus MeetingChanges, which reschedules the meeting's reminders through the engine's
// planning with the meeting source only. A context of its own so that the registration and
// maintenance bundles never carry the engine.
import { randomBytes } from 'node:crypto';
import { MeetingMessages } from '#shared/domain/meetings/message-service.ts';
import { MeetingChanges } from '#shared/domain/registrations/meeting-changes.ts';
import { createMeetingReminderSource, createRegistrationRepositories, createRegistrationsContext } from '#shared/contexts/registrations.ts';
import { createReminderSchedule } from '#shared/contexts/reminders.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createMeetingsContext(ctx: ServiceContext) {
  const base = createRegistrationsContext(ctx);
  const schedule = createReminderSchedule(ctx, { meeting: createMeetingReminderSource(ctx, base) });
  return {
    ...base,
    meetingChanges: new MeetingChanges(base.meetings, base.meetingRepository, base.registrations, base.registrationRepository, schedule),
  };
}

/**
 * Organisers' ad-hoc messages (http-reminders, the reminder engine's admin function): the meeting
 * repository and the meeting's schedule, nothing of the registration use cases.
 */
export function createMeetingMessagesContext(ctx: ServiceContext) {
  const repositories = createRegistrationRepositories(ctx);
  const schedule = createReminderSchedule(ctx, { meeting: createMeetingReminderSource(ctx, repositories) });
  return { messages: new MeetingMessages(repositories.meetingRepository, schedule, () => randomBytes(4).toString('hex')) };
}
