// Every 5 minutes: finds the owners with reminders due (one query of a sparse index), plans
// them with their context's source, records the pairs and fans out one message per recipient
// to the reminders queue.
import { createMeetingReminderSource } from '#shared/contexts/registrations.ts';
import { createRemindersContext } from '#shared/contexts/reminders.ts';
import { createSessionReminderSource } from '#shared/contexts/sessions.ts';
import { createSurveyInvitationSource } from '#shared/contexts/surveys.ts';
import { scheduledTask } from '#shared/lambda/scheduled.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const { engine } = createRemindersContext(ctx, {
  sources: {
    meeting: createMeetingReminderSource(ctx),
    survey: createSurveyInvitationSource(ctx),
    'session-series': createSessionReminderSource(ctx),
  },
});

export const handler = scheduledTask({
  name: 'schedule-reminders',
  handle: (now) => engine.tick(now),
});
