import { describe, expect, it, vi } from 'vitest';
import { logger } from '#shared/lambda/logger.ts';
import { InvalidScheduledEventError, ScheduledEventSchema, scheduledTask } from '#shared/lambda/scheduled.ts';
import { buildScheduledEvent } from '../../../scripts/local/scheduler.ts';
import { lambdaContext } from './http-event.ts';

// The deployed schedule sends the event scripts/local/scheduler.ts builds (checked by
// tests/infra/scheduled-function.test.ts), so parsing the local event covers both.
describe('ScheduledEventSchema', () => {
  it('reads the scheduled instant and the detail of the event our schedules send', () => {
    const at = new Date('2026-03-09T08:00:00.000Z');
    expect(ScheduledEventSchema.parse(buildScheduledEvent(at, { kind: 'reminders' }))).toEqual({ now: at, detail: { kind: 'reminders' } });
  });

  it('reads the time as Scheduler renders it (second precision, Z) or with an offset', () => {
    expect(ScheduledEventSchema.parse({ time: '2026-03-09T08:00:00Z' }).now).toEqual(new Date('2026-03-09T08:00:00Z'));
    expect(ScheduledEventSchema.parse({ time: '2026-03-09T09:00:00+01:00' }).now).toEqual(new Date('2026-03-09T08:00:00Z'));
    expect(ScheduledEventSchema.parse({ time: '2026-03-09T08:00:00Z' }).detail).toEqual({});
  });

  it.each([[{}], [{ time: 'tomorrow' }], [{ time: '2026-03-09 08:00' }], [{ scheduledTime: '2026-03-09T08:00:00Z' }], [null], ['2026-03-09T08:00:00Z']])(
    'refuses %j',
    (event) => {
      expect(ScheduledEventSchema.safeParse(event).success).toBe(false);
    },
  );
});

describe('scheduledTask', () => {
  it('runs at the scheduled instant, returns the result and logs one summary line with it', async () => {
    const info = vi.spyOn(logger, 'info');
    const handle = vi.fn(async (now: Date) => ({ due: 3, at: now.toISOString() }));
    const handler = scheduledTask({ name: 'schedule-reminders', handle });
    const result = await handler(buildScheduledEvent(new Date('2026-03-09T08:00:00Z'), { kind: 'reminders' }), lambdaContext);
    expect(result).toEqual({ due: 3, at: '2026-03-09T08:00:00.000Z' });
    expect(handle).toHaveBeenCalledWith(new Date('2026-03-09T08:00:00Z'), { kind: 'reminders' });
    expect(info).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledWith(
      'schedule-reminders run',
      expect.objectContaining({ scheduledTime: '2026-03-09T08:00:00.000Z', result, durationMs: expect.any(Number) }),
    );
    info.mockRestore();
  });

  it('logs the failure once and rethrows it, so that Lambda retries the run', async () => {
    const error = vi.spyOn(logger, 'error');
    const handler = scheduledTask({
      name: 'schedule-reminders',
      handle: async () => {
        throw new Error('table unavailable');
      },
    });
    await expect(handler(buildScheduledEvent(new Date('2026-03-09T08:00:00Z')), lambdaContext)).rejects.toThrow('table unavailable');
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('schedule-reminders run failed', expect.objectContaining({ scheduledTime: '2026-03-09T08:00:00.000Z' }));
    error.mockRestore();
  });

  it('refuses an event that is not a scheduled run, without running', async () => {
    const handle = vi.fn(async () => 'ran');
    const handler = scheduledTask({ name: 'schedule-reminders', handle });
    await expect(handler({ hello: 'world' }, lambdaContext)).rejects.toBeInstanceOf(InvalidScheduledEventError);
    expect(handle).not.toHaveBeenCalled();
  });
});
