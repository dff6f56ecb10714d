// One occurrence of a series, built from its local date and its override: no rule expansion
// (see wall-clock.ts for why this lives apart from occurrences.ts).
import { DateTime } from 'luxon';
import { storedZone } from '#shared/domain/zone-offsets.ts';
import { localStart } from './wall-clock.ts';
import { occurrenceId, type OccurrenceOverride, type Series } from './schema.ts';

export interface Occurrence {
  /** `{seriesId}-{YYYY-MM-DD}`: the local date of the rule instance, kept when moved. */
  id: string;
  series_id: string;
  /** Local date of the rule instance. */
  date: string;
  /** Actual start and end, ISO 8601 with the offset of the series' time zone. */
  starts_at: string;
  ends_at: string;
  /** The start before the last move (ISO 8601 with offset); absent until it is moved. */
  previous_starts_at?: string;
  duration_minutes: number;
  topic: string;
  visio_url: string;
  timezone: string;
  cancelled: boolean;
  /** Moved away from the rule's time. */
  moved: boolean;
  /** iCalendar SEQUENCE: 0, raised on each move, duration change or cancellation. */
  sequence: number;
}

const iso = (dt: DateTime) => dt.toISO({ suppressMilliseconds: true }) as string;

/** One occurrence: the rule instance of `date` with its override, if any. */
export function buildOccurrence(series: Series, date: string, override?: OccurrenceOverride): Occurrence {
  const start = DateTime.fromISO(override?.starts_at ?? localStart(series, date), { setZone: true }).setZone(storedZone(series));
  const duration = override?.duration_minutes ?? series.duration_minutes;
  return {
    id: occurrenceId(series.id, date),
    series_id: series.id,
    date,
    starts_at: iso(start),
    ends_at: iso(start.plus({ minutes: duration })),
    ...(override?.previous_starts_at !== undefined ? { previous_starts_at: override.previous_starts_at } : {}),
    duration_minutes: duration,
    topic: override?.topic ?? series.default_topic,
    visio_url: override?.visio_url ?? series.visio_url,
    timezone: series.timezone,
    cancelled: override?.cancelled ?? false,
    moved: override?.starts_at !== undefined && Date.parse(override.starts_at) !== Date.parse(localStart(series, date)),
    sequence: override?.sequence ?? 0,
  };
}

