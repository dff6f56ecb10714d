// Whether the zone offsets stored with a series (issue 21, wall-clock.ts) are still what the
// runtime's tz database says: what scripts/refresh-zone-offsets.ts decides for each series. Pure
// but for luxon (Intl): an operator's script, never a function's path.
import { StoredOffsetsZone, type ZoneOffsets } from '#shared/domain/zone-offsets.ts';
import type { Series } from './schema.ts';
import { seriesZoneOffsets } from './wall-clock.ts';

/**
 * `missing`: stored before issue 21; `other-zone`: the series' zone changed without them (not
 * done by the PUT, which computes them again); `differs`: the tz database now gives other
 * offsets (a zone changed its rule); `running-out`: the window ends within two years (an
 * open-ended series read long after it was written); `current`: nothing to do.
 */
export type ZoneOffsetsState = 'missing' | 'other-zone' | 'differs' | 'running-out' | 'current';

/** Two years: a series whose window ends sooner gets a fresh one (the data source looks 400 days ahead). */
const RUNNING_OUT_MS = 2 * 366 * 24 * 3_600_000;

export function zoneOffsetsState(series: Series, now: Date): { state: ZoneOffsetsState; fresh: ZoneOffsets } {
  const fresh = seriesZoneOffsets(series, now);
  const stored = series.zone_offsets;
  if (stored === undefined) return { state: 'missing', fresh };
  if (stored.zone !== series.timezone) return { state: 'other-zone', fresh };
  // Compared where both windows hold: the offset in force at the start and every change after.
  const from = Math.max(Date.parse(stored.from), Date.parse(fresh.from));
  const until = Math.min(Date.parse(stored.until), Date.parse(fresh.until));
  if (from < until && !sameOffsets(stored, fresh, from, until)) return { state: 'differs', fresh };
  if (Date.parse(stored.until) < now.getTime() + RUNNING_OUT_MS) return { state: 'running-out', fresh };
  return { state: 'current', fresh };
}

function sameOffsets(a: ZoneOffsets, b: ZoneOffsets, from: number, until: number): boolean {
  const within = (o: ZoneOffsets) =>
    o.changes
      .filter((c) => Date.parse(c.at) > from && Date.parse(c.at) < until)
      .map((c) => `${Date.parse(c.at)}:${c.offset}`)
      .join(',');
  return new StoredOffsetsZone(a).offset(from) === new StoredOffsetsZone(b).offset(from) && within(a) === within(b);
}
