// Every few minutes: completes what a crashed or throttled call left half done. Promotions
// due (a place free while people wait) are made, and notifications that stayed in the outbox
// (queue unreachable, crash before sending) are queued. Both are idempotent.
import { scheduledTask } from '#shared/lambda/scheduled.ts';
import { createRegistrationsContext } from '#shared/contexts/registrations.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const { meetings, registrations } = createRegistrationsContext(ctx);

// Meetings whose last day is more than this in the past are left alone.
const PAST_MEETING_DAYS = 7;

export const handler = scheduledTask({
  name: 'schedule-maintenance',
  handle: async (now) => {
    const horizon = new Date(now.getTime() - PAST_MEETING_DAYS * 86_400_000).toISOString().slice(0, 10);
    const current = (await meetings.listMeetings(now, true)).filter((m) => (m.days.at(-1)?.date ?? '') >= horizon);
    let promoted = 0;
    for (const meeting of current) promoted += (await registrations.completePromotions(meeting.id, now)).length;
    const requeued = await registrations.drainOutbox(now);
    return { meetings: current.length, promoted, requeued };
  },
});
