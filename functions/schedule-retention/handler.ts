// Daily: the retention purge (contract-rgpd.md). Anonymises the registrations of meetings past
// their last day + retention_days, deletes ended subscriptions, erases the agents of campaigns
// past their close + retention_days and the address of delivery lines sent 90 days ago, deletes
// survey markers 30 days after the close, page by page under conditions; a run that reaches its time
// budget stops and the next one goes on (what is done is never done twice).
import { randomUUID } from 'node:crypto';
import { createRetentionContext } from '#shared/contexts/people.ts';
import { scheduledTask } from '#shared/lambda/scheduled.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';

const ctx = createServiceContext();
const { retention, auditTrail } = createRetentionContext(ctx);

/** Leaves a margin under the function's timeout (manifest: 300 s). */
const BUDGET_MS = 240_000;

export const handler = scheduledTask({
  name: 'schedule-retention',
  // Decided on the real clock, not on the event's time: an event replayed from the dead-letter
  // queue or sent by hand (`npm run tick -- --at …`) with a future time never erases early.
  // GET /admin/retention?at= shows what a later instant would change.
  handle: async () => {
    const report = await retention.run(new Date(), { deadline: Date.now() + BUDGET_MS });
    // The run's audit record, like POST /admin/retention/run's (counts only); the actor is the schedule.
    await auditTrail.append({
      at: new Date().toISOString(),
      id: randomUUID(),
      actor: { kind: 'token', label: 'daily-purge' },
      action: 'retention.run',
      counts: { ...report.counts, complete: report.complete ? 1 : 0 },
    });
    return { complete: report.complete, ...report.counts, objects: report.objects.length };
  },
});
