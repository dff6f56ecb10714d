// Every 5 minutes: finds the owners with reminders due (one query of a sparse index), plans
// them, records the pairs and fans out one message per recipient to the reminders queue.
import { createReminderEngine } from '#shared/contexts/reminders.ts';
import { scheduledTask } from '#shared/lambda/scheduled.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const engine = createReminderEngine(ctx);

export const handler = scheduledTask({
  name: 'schedule-reminders',
  handle: (now) => engine.tick(now),
});
