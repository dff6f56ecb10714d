import { describe, expect, it } from 'vitest';
import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { MeetingHints } from '#shared/domain/registrations/meeting-hints.ts';

const meeting = (id: string, version: number) => ({ id, version }) as unknown as Meeting;
const counter = (key: string, confirmed: number): CapacityItem => ({
  key,
  kind: 'day',
  ref: key.slice(4),
  capacity: 10,
  waiting_list: true,
  confirmed,
  waiting: 0,
  seq: 0,
});
const counters = (...items: CapacityItem[]) => new Map(items.map((c) => [c.key, c]));

describe('meeting hints (what a container last read)', () => {
  it('recalls the meeting only when every item asked was read', () => {
    const hints = new MeetingHints({ maxMeetings: 4, ttlMs: 1000 });
    hints.remember(meeting('m', 1), counters(counter('day:a', 3)), 0);
    expect(hints.recall('m', ['day:a'], 10)?.counters.get('day:a')?.confirmed).toBe(3);
    expect(hints.recall('m', ['day:a', 'day:b'], 10)).toBeUndefined();
    hints.remember(meeting('m', 1), counters(counter('day:b', 1)), 20);
    expect(hints.recall('m', ['day:a', 'day:b'], 30)?.counters.size).toBe(2);
  });

  it('drops the counters of another meeting version', () => {
    const hints = new MeetingHints({ maxMeetings: 4, ttlMs: 1000 });
    hints.remember(meeting('m', 1), counters(counter('day:a', 3)), 0);
    hints.remember(meeting('m', 2), counters(counter('day:b', 0)), 10);
    expect(hints.recall('m', ['day:a'], 20)).toBeUndefined();
    expect(hints.recall('m', ['day:b'], 20)?.meeting.version).toBe(2);
  });

  it('forgets after its time to live, on refusal, and beyond its size', () => {
    const hints = new MeetingHints({ maxMeetings: 2, ttlMs: 1000 });
    hints.remember(meeting('m', 1), counters(counter('day:a', 0)), 0);
    expect(hints.recall('m', ['day:a'], 1001)).toBeUndefined();
    hints.remember(meeting('m', 1), counters(counter('day:a', 0)), 2000);
    hints.forget('m');
    expect(hints.recall('m', ['day:a'], 2001)).toBeUndefined();
    hints.remember(meeting('a', 1), counters(counter('day:a', 0)), 3000);
    hints.remember(meeting('b', 1), counters(counter('day:a', 0)), 3001);
    hints.remember(meeting('c', 1), counters(counter('day:a', 0)), 3002);
    expect(hints.recall('a', ['day:a'], 3003)).toBeUndefined();
    expect(hints.recall('b', ['day:a'], 3003)).toBeDefined();
    expect(hints.recall('c', ['day:a'], 3003)).toBeDefined();
  });

  it('counts the places and tickets this container took, on the version it took them on only', () => {
    const hints = new MeetingHints({ maxMeetings: 2, ttlMs: 1000 });
    hints.remember(meeting('m', 3), counters(counter('day:a', 9), counter('day:b', 10)), 0);
    hints.noteWritten('m', 2, [{ type: 'take', key: 'day:a' }]);
    expect(hints.recall('m', ['day:a'], 1)?.counters.get('day:a')?.confirmed).toBe(9);
    hints.noteWritten('m', 3, [
      { type: 'take', key: 'day:a' },
      { type: 'wait', key: 'day:b', ticket: 1, ahead: 0 },
    ]);
    const after = hints.recall('m', ['day:a', 'day:b'], 1)?.counters;
    expect(after?.get('day:a')?.confirmed).toBe(10);
    expect(after?.get('day:b')).toMatchObject({ confirmed: 10, waiting: 1, seq: 1 });
  });
});
