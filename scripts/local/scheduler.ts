// Runs a scheduled function at a chosen instant, with the event our schedules deliver: the
// CDK construct gives EventBridge Scheduler a fixed input carrying <aws.scheduler.scheduled-time>,
// so the function learns "now" from `time`, never from the clock, and can be tried at any instant.
import type { Context } from 'aws-lambda';
import { lambdaContext } from './gateway.ts';

/** The event a scheduled function receives (the deployed schedule must send the same shape). */
export interface LocalScheduledEvent {
  source: 'publik-club.scheduler';
  'detail-type': 'Scheduled Event';
  /** The scheduled instant, ISO 8601 UTC (e.g. `2026-03-09T08:00:00.000Z`). */
  time: string;
  detail: Record<string, unknown>;
}

export type ScheduledHandler = (event: LocalScheduledEvent, context: Context) => unknown;

export function buildScheduledEvent(at: Date, detail: Record<string, unknown> = {}): LocalScheduledEvent {
  if (Number.isNaN(at.getTime())) throw new Error('Invalid date for the scheduled event');
  return { source: 'publik-club.scheduler', 'detail-type': 'Scheduled Event', time: at.toISOString(), detail };
}

/** Invokes `handler` as the schedule would at instant `at`; returns what the handler returns. */
export async function invokeScheduled<R = unknown>(
  handler: ScheduledHandler,
  at: Date,
  opts: { detail?: Record<string, unknown>; functionName?: string; timeoutMs?: number } = {},
): Promise<R> {
  const event = buildScheduledEvent(at, opts.detail);
  const context = lambdaContext(opts.functionName ?? 'scheduled-function', opts.timeoutMs ?? 60_000);
  return (await handler(event, context)) as R;
}
