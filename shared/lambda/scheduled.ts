// The one middy chain for scheduled functions. Our schedules (infra/constructs/scheduled-function.ts)
// and the local tick (scripts/local/scheduler.ts) send the same EventBridge-style event, whose
// `time` is the instant the run was scheduled for (<aws.scheduler.scheduled-time>). The chain
// turns it into `now`, so a late or retried run decides exactly as the on-time run would have
// and any instant can be replayed (`npm run tick -- --at …`). The function runs and the chain
// logs one summary line with what it returned.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '#shared/lambda/logger.ts';

/**
 * A run's event: `{ source, "detail-type", time, detail }`. Only `time` (ISO 8601, parsed into the
 * run's instant) and the schedule's fixed `detail` are read.
 */
export const ScheduledEventSchema = z
  .object({
    time: z.iso.datetime({ offset: true }),
    detail: z.record(z.string(), z.unknown()).default({}),
  })
  .transform((e) => ({ now: new Date(e.time), detail: e.detail }));

export type ScheduledEvent = z.input<typeof ScheduledEventSchema>;

/** The event is not one our schedules send: a wiring error, never retried into success. */
export class InvalidScheduledEventError extends Error {
  constructor(readonly issues: unknown) {
    super('invalid scheduled event');
    this.name = 'InvalidScheduledEventError';
  }
}

export interface ScheduledTaskOptions<R> {
  /** Function name, in the summary line. */
  name: string;
  /**
   * One run at instant `now`. Return a small summary (counts, ids of what was done): it is the
   * run's log line. Throw to fail the run (Lambda retries it, then parks it in the DLQ).
   */
  handle: (now: Date, detail: Record<string, unknown>) => Promise<R>;
}

export function scheduledTask<R>(opts: ScheduledTaskOptions<R>) {
  return middy<unknown, R, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .handler(async (event) => {
      const parsed = ScheduledEventSchema.safeParse(event);
      if (!parsed.success) {
        const issues = z.treeifyError(parsed.error);
        logger.error(`${opts.name}: invalid scheduled event`, { issues });
        throw new InvalidScheduledEventError(issues);
      }
      const { now, detail } = parsed.data;
      const started = Date.now();
      try {
        const result = await opts.handle(now, detail);
        logger.info(`${opts.name} run`, { scheduledTime: now.toISOString(), durationMs: Date.now() - started, result });
        return result;
      } catch (error) {
        logger.error(`${opts.name} run failed`, { scheduledTime: now.toISOString(), durationMs: Date.now() - started, error: error as Error });
        throw error;
      }
    });
}
