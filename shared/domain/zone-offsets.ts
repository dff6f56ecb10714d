// UTC offsets of a time zone, computed once when something is written and stored with it, so
// that the paths reading it place instants in local time by looking the offset up (issue 21,
// cold start). Luxon resolves an IANA zone name through Intl.DateTimeFormat, whose first use in a
// process starts ICU (10–20 ms, more under load): on the data source's first request that was
// the largest cost left. The write path (an organiser's PUT) may use Intl freely: it asks luxon
// for every change of offset over a window and stores the list; readers then never compute a
// zone. The offsets come from the platform's tz database at write time, so no rule is written
// here; should a zone's rule change (a new tz database in the runtime), the stored lists are
// recomputed by `scripts/refresh-zone-offsets.ts` (docs/operations.md). An instant outside the
// stored window, and an item stored without offsets, fall back to luxon's IANA zone: correct,
// only slower.
import { FixedOffsetZone, IANAZone, Settings, Zone } from 'luxon';
import * as z from 'zod';

export const ZoneOffsetsSchema = z.object({
  /** The IANA zone these offsets are of (a list of another zone is ignored). */
  zone: z.string(),
  /** The window covered: from (inclusive) to until (exclusive), ISO 8601 instants in UTC. */
  from: z.string(),
  until: z.string(),
  /** Offset in force at `from`, in minutes east of UTC. */
  offset: z.number().int(),
  /** Every change of offset inside the window: the instant it takes effect and the new offset. */
  changes: z.array(z.object({ at: z.string(), offset: z.number().int() })),
});
export type ZoneOffsets = z.output<typeof ZoneOffsetsSchema>;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The offsets of `zone` from `fromMs` to `untilMs`, asked of luxon (Intl): day by day, then to
 * the minute where the offset changed (offsets change at whole minutes; no zone changes twice
 * within a day). For write paths only.
 */
export function computeZoneOffsets(zone: string, fromMs: number, untilMs: number): ZoneOffsets {
  const iana = IANAZone.create(zone);
  const from = Math.floor(fromMs / MINUTE) * MINUTE;
  const until = Math.ceil(untilMs / MINUTE) * MINUTE;
  const first = iana.offset(from);
  const changes: ZoneOffsets['changes'] = [];
  let previous = first;
  for (let day = from; day < until; day += DAY) {
    const end = Math.min(day + DAY, until);
    const next = iana.offset(end);
    if (next === previous) continue;
    let lo = day;
    let hi = end;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (iana.offset(mid) === previous) lo = mid;
      else hi = mid;
    }
    // The last day may end on the change itself: it belongs to the window only before `until`.
    if (hi < until) changes.push({ at: new Date(hi).toISOString(), offset: next });
    previous = next;
  }
  return { zone, from: new Date(from).toISOString(), until: new Date(until).toISOString(), offset: first, changes };
}

/**
 * A luxon zone answering from stored offsets: luxon's own algorithms (a local time to an
 * instant, the spring gap, the autumn overlap) then work as with the IANA zone, without Intl.
 */
export class StoredOffsetsZone extends Zone {
  private readonly from: number;
  private readonly until: number;
  private readonly at: number[];
  private readonly offsets: number[];
  private iana: IANAZone | undefined;

  constructor(private readonly stored: ZoneOffsets) {
    super();
    this.from = Date.parse(stored.from);
    this.until = Date.parse(stored.until);
    this.at = stored.changes.map((c) => Date.parse(c.at));
    this.offsets = [stored.offset, ...stored.changes.map((c) => c.offset)];
  }

  override get type(): string {
    return 'iana';
  }

  override get name(): string {
    return this.stored.zone;
  }

  override get isUniversal(): boolean {
    return false;
  }

  override get isValid(): boolean {
    return true;
  }

  /** Whether the instant is inside the stored window (outside, the IANA zone answers). */
  covers(ts: number): boolean {
    return ts >= this.from && ts < this.until;
  }

  override offset(ts: number): number {
    if (!this.covers(ts)) return this.fallback().offset(ts);
    // The number of changes at or before ts, by bisection: the index of the offset in force.
    let lo = 0;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.at[mid] as number) <= ts) lo = mid + 1;
      else hi = mid;
    }
    return this.offsets[lo] as number;
  }

  override formatOffset(ts: number, format: 'narrow' | 'short' | 'techie'): string {
    return FixedOffsetZone.instance(this.offset(ts)).formatOffset(ts, format);
  }

  /** Names of offsets (`CEST`…) need Intl: asked of the IANA zone, never on the reading paths. */
  override offsetName(ts: number, opts: { format?: 'short' | 'long'; locale?: string }): string | null {
    return this.fallback().offsetName(ts, opts as never);
  }

  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.stored.zone;
  }

  private fallback(): IANAZone {
    return (this.iana ??= IANAZone.create(this.stored.zone));
  }
}

// Without a default locale, luxon asks Intl for the system's (one Intl.DateTimeFormat) on the
// first DateTime or Duration of the process. en-US is what it finds on Lambda: the same
// behaviour, without ICU. Only when nothing set one before.
if (!Settings.defaultLocale) Settings.defaultLocale = 'en-US';

/**
 * The zone to hand luxon for something stored with its time zone and, since issue 21, its
 * offsets: the stored offsets when they are of that zone, else the zone's name (luxon then
 * resolves it through Intl: items stored before, or whose offsets no longer match).
 */
export function storedZone(item: { timezone: string; zone_offsets?: ZoneOffsets | undefined }): Zone | string {
  const stored = item.zone_offsets;
  if (stored === undefined || stored.zone !== item.timezone) return item.timezone;
  // One zone per stored list (a data source builds hundreds of occurrences of one series).
  let zone = built.get(stored);
  if (zone === undefined) built.set(stored, (zone = new StoredOffsetsZone(stored)));
  return zone;
}

const built = new WeakMap<ZoneOffsets, StoredOffsetsZone>();
