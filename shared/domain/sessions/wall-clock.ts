// Wall-clock instants of a series, without its recurrence rule (luxon only): what building one
// occurrence needs, kept apart from recurrence.ts so that the reminders consumer, which builds
// occurrences but never expands rules, does not bundle the recurrence library.
import { DateTime } from 'luxon';
import { zoneOf } from '#shared/domain/rule-zones.ts';

/** The instant a local date at the series' start time stands for, ISO 8601 with offset. */
export function localStart(def: { timezone: string; dtstart: string }, date: string): string {
  const time = def.dtstart.slice(11, 16);
  // luxon moves a wall-clock time that does not exist (spring gap) forward by the gap.
  return DateTime.fromISO(`${date}T${time}`, { zone: zoneOf(def.timezone) }).toISO({ suppressMilliseconds: true }) as string;
}

