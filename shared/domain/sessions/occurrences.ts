// Occurrences of a series: the rule's instances with the organiser's per-occurrence changes
// applied (moved, cancelled, another topic, duration or video link). Pure; the reminder
// engine and the data source read the same list.
import { DateTime } from 'luxon';
import { storedZone } from '#shared/domain/zone-offsets.ts';
import { NotFoundError } from '#shared/errors.ts';
import { horizonDate, isRuleDate, ruleDates } from './recurrence.ts';
import { occurrenceId, type OccurrenceChange, type OccurrenceOverride, type Series } from './schema.ts';

export { buildOccurrence, type Occurrence } from './occurrence-build.ts';
import { buildOccurrence, type Occurrence } from './occurrence-build.ts';

// Rule instances this far back are expanded too, so that an occurrence moved from the recent
// past into the future still shows (overrides themselves are always included).
const LOOKBACK_DAYS = 62;

/**
 * The occurrences whose start is after `now` (cancelled ones included, flagged), soonest
 * first: every one of a bounded series, those within the horizon for an open-ended one.
 */
export function upcomingOccurrences(series: Series, overrides: OccurrenceOverride[], now: Date): Occurrence[] {
  const fromDate = DateTime.fromJSDate(now, { zone: storedZone(series) }).minus({ days: LOOKBACK_DAYS }).toISODate() as string;
  const toDate = horizonDate(series, now);
  const byDate = new Map(overrides.map((o) => [o.date, o]));
  const dates = new Set(ruleDates(series, { fromDate, ...(toDate ? { toDate } : {}) }));
  for (const o of overrides) {
    // Only an occurrence moved into the future from outside the window can add a date (checked
    // last: it expands the rule). An override of a date the rule no longer produces is an orphan.
    if (dates.has(o.date) || o.starts_at === undefined || Date.parse(o.starts_at) <= now.getTime()) continue;
    // A date withdrawn by a replacement of the series stays, cancelled, until it has passed.
    if (o.withdrawn !== undefined || isRuleDate(series, o.date)) dates.add(o.date);
  }
  return [...dates]
    .map((date) => buildOccurrence(series, date, byDate.get(date)))
    .filter((o) => Date.parse(o.starts_at) > now.getTime())
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id.localeCompare(b.id));
}

/** The next occurrence that will take place (not cancelled), if any. */
export function nextOccurrence(series: Series, overrides: OccurrenceOverride[], now: Date): Occurrence | undefined {
  return upcomingOccurrences(series, overrides, now).find((o) => !o.cancelled);
}

/**
 * One occurrence by its date, past or future, when the rule produces that date (or it has an
 * override). Undefined otherwise.
 */
export function findOccurrence(series: Series, overrides: OccurrenceOverride[], date: string): Occurrence | undefined {
  const override = overrides.find((o) => o.date === date);
  if (!override && !isRuleDate(series, date)) return undefined;
  return buildOccurrence(series, date, override);
}

/**
 * Applies an organiser's change to an occurrence: the new override. The sequence is raised
 * when the start, the duration or the cancellation actually changes (what calendars must
 * re-read); a new topic or link alone keeps it.
 */
export function applyOccurrenceChange(
  series: Series,
  date: string,
  previous: OccurrenceOverride | undefined,
  change: OccurrenceChange,
  now: Date,
): { override: OccurrenceOverride; before: Occurrence; after: Occurrence } {
  if (!isRuleDate(series, date) && previous === undefined) {
    throw new NotFoundError(`Séance inconnue : ${occurrenceId(series.id, date)}.`);
  }
  const before = buildOccurrence(series, date, previous);
  const draft: OccurrenceOverride = {
    series_id: series.id,
    date,
    ...(previous?.topic !== undefined ? { topic: previous.topic } : {}),
    ...(previous?.starts_at !== undefined ? { starts_at: previous.starts_at } : {}),
    ...(previous?.previous_starts_at !== undefined ? { previous_starts_at: previous.previous_starts_at } : {}),
    ...(previous?.duration_minutes !== undefined ? { duration_minutes: previous.duration_minutes } : {}),
    ...(previous?.visio_url !== undefined ? { visio_url: previous.visio_url } : {}),
    cancelled: previous?.cancelled ?? false,
    ...(previous?.withdrawn !== undefined ? { withdrawn: previous.withdrawn } : {}),
    sequence: previous?.sequence ?? 0,
    revision: (previous?.revision ?? 0) + 1,
    updated_at: now.toISOString(),
  };
  if (change.topic !== undefined) draft.topic = change.topic;
  if (change.starts_at !== undefined) draft.starts_at = change.starts_at;
  if (change.duration_minutes !== undefined) draft.duration_minutes = change.duration_minutes;
  if (change.visio_url !== undefined) draft.visio_url = change.visio_url;
  if (change.cancelled !== undefined) draft.cancelled = change.cancelled;
  let after = buildOccurrence(series, date, draft);
  const moved = Date.parse(after.starts_at) !== Date.parse(before.starts_at);
  // The start people knew before this move, for the « Changement » email. Two moves between
  // two scheduled runs announce the second against the first (the one never announced).
  if (moved) {
    draft.previous_starts_at = before.starts_at;
    after = buildOccurrence(series, date, draft);
  }
  const significant =
    moved ||
    after.duration_minutes !== before.duration_minutes ||
    after.cancelled !== before.cancelled;
  const override = { ...draft, sequence: draft.sequence + (significant ? 1 : 0) };
  return { override, before, after: { ...after, sequence: override.sequence } };
}
