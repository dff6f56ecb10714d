// Wall-clock instants of a series, without its recurrence rule (luxon only): what building one
// occurrence needs, kept apart from recurrence.ts so that the reminders consumer, which builds
// occurrences but never expands rules, does not bundle the recurrence library.
import { DateTime } from 'luxon';
import { computeZoneOffsets, storedZone, type ZoneOffsets } from '#shared/domain/zone-offsets.ts';

/** What placing a series' local times needs: its zone and the offsets stored with it. */
export interface ZonedDefinition {
  timezone: string;
  zone_offsets?: ZoneOffsets | undefined;
}

/** The instant a local date at the series' start time stands for, ISO 8601 with offset. */
export function localStart(def: ZonedDefinition & { dtstart: string }, date: string): string {
  const time = def.dtstart.slice(11, 16);
  // luxon moves a wall-clock time that does not exist (spring gap) forward by the gap.
  return DateTime.fromISO(`${date}T${time}`, { zone: storedZone(def) }).toISO({ suppressMilliseconds: true }) as string;
}

const YEAR = 366 * 24 * 3_600_000;

/**
 * The offsets stored with a series when it is written (issue 21): from a year before the
 * earlier of `now` and its first session (the data source looks 62 days back, reminders at
 * most 90 days before a session) to 10 years after the later of `now` and its last date, at
 * most 40 years in all (computing them takes ~2 ms a year on the shared machine). What falls
 * outside (a session moved far away, an open-ended series read 10 years later) is placed by
 * luxon's IANA zone, as before, until the offsets are refreshed (scripts/refresh-zone-offsets.ts).
 */
export function seriesZoneOffsets(def: { timezone: string; dtstart: string; until?: string | undefined }, now: Date): ZoneOffsets {
  const first = Date.parse(`${def.dtstart.slice(0, 10)}T00:00:00Z`);
  const from = Math.min(now.getTime(), first) - YEAR;
  const last = def.until !== undefined ? Date.parse(`${def.until}T00:00:00Z`) : now.getTime();
  const until = Math.min(Math.max(now.getTime(), last) + 10 * YEAR, from + 40 * YEAR);
  return computeZoneOffsets(def.timezone, from, until);
}
