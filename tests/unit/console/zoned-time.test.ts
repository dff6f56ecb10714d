// The sessions page's date field: wall-clock time in the series' zone, both ways, across the
// daylight-saving changes of Europe/Paris (a 14:00 session stays at 14:00 local).
import { describe, expect, it } from 'vitest';
import { instantOf, wallClock } from '../../../console/src/lib/zoned-time.ts';

describe('wall clock in a time zone', () => {
  it('winter (+01:00) and summer (+02:00) in Paris', () => {
    expect(instantOf('2027-01-12T14:00', 'Europe/Paris')).toBe('2027-01-12T13:00:00.000Z');
    expect(instantOf('2027-07-13T14:00', 'Europe/Paris')).toBe('2027-07-13T12:00:00.000Z');
    expect(wallClock('2027-01-12T13:00:00Z', 'Europe/Paris')).toBe('2027-01-12T14:00');
    expect(wallClock('2027-07-13T12:00:00.000Z', 'Europe/Paris')).toBe('2027-07-13T14:00');
  });

  it('round trip on the days of the changes, and another zone', () => {
    for (const local of ['2027-03-28T01:30', '2027-03-28T03:30', '2027-10-31T01:30', '2027-10-31T03:30']) {
      expect(wallClock(instantOf(local, 'Europe/Paris'), 'Europe/Paris')).toBe(local);
    }
    expect(instantOf('2027-06-01T09:00', 'America/Cayenne')).toBe('2027-06-01T12:00:00.000Z');
  });

  it('a time the spring change skips lands an hour later', () => {
    expect(wallClock(instantOf('2027-03-28T02:30', 'Europe/Paris'), 'Europe/Paris')).toBe('2027-03-28T03:30');
  });
});
