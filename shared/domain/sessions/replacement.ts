// What replacing a series means for its upcoming occurrences (PUT /admin/session-series/{id} on
// an existing series). Pure: from the series as it was, as it will be, the per-occurrence
// overrides and `now`, the overrides to write in the same transaction as the new definition.
//
// What a subscriber must receive — the same as for a change of one occurrence, through the same
// reminder engine (the sequence raised on an override makes the engine plan the email):
// - an ANNOUNCED occurrence whose start or duration changes → an update (iCalendar SEQUENCE
//   raised, same UID), and its reminders are due again for the new time;
// - an ANNOUNCED occurrence whose date the new rule no longer produces → a cancellation
//   (METHOD:CANCEL, SEQUENCE raised): the override is kept as `withdrawn` and cancelled, so the
//   engine plans the cancellation and the queue consumer skips any reminder already queued for it
//   (it reads the override, never the rule);
// - a withdrawn date that a later replacement brings back → an update (it takes place again);
// - an occurrence nobody was told about yet (no reminder due so far, not the next one, never
//   changed) just takes its new shape or disappears silently: a year of monthly dates dropped
//   by a new rule must not become a dozen cancellation emails about dates no calendar holds.
// « Announced » means a calendar may hold it: it is the series' next occurrence (the
// confirmation email invites to it), or one of its reminder rules has fallen due, or an update or
// cancellation was already planned for it (sequence > 0).
import { ruleDueAt } from '#shared/domain/reminders/rules.ts';
import { buildOccurrence, upcomingOccurrences, type Occurrence } from './occurrences.ts';
import { isRuleDate } from './recurrence.ts';
import type { OccurrenceOverride, Series } from './schema.ts';

function announced(series: Series, occurrence: Occurrence, next: Occurrence | undefined, now: Date): boolean {
  if (occurrence.id === next?.id || occurrence.sequence > 0) return true;
  const start = new Date(occurrence.starts_at);
  return series.reminders.some((rule) => ruleDueAt(rule, start, series.timezone).getTime() <= now.getTime());
}

/** The overrides a replacement of `before` by `after` writes (new revisions of the ones read). */
export function replacementOverrides(before: Series, after: Series, overrides: readonly OccurrenceOverride[], now: Date): OccurrenceOverride[] {
  const at = now.toISOString();
  const byDate = new Map(overrides.map((o) => [o.date, o]));
  const old = upcomingOccurrences(before, [...overrides], now);
  const oldById = new Map(old.map((o) => [o.id, o]));
  const next = old.find((o) => !o.cancelled);
  const fresh = upcomingOccurrences(after, [...overrides], now);
  const freshIds = new Set(fresh.map((o) => o.id));
  const base = (date: string): OccurrenceOverride => {
    const previous = byDate.get(date);
    return {
      ...(previous ?? { series_id: after.id, date, cancelled: false, sequence: 0, revision: 0 }),
      revision: (previous?.revision ?? 0) + 1,
      updated_at: at,
    };
  };
  const writes: OccurrenceOverride[] = [];

  for (const o of old) {
    if (freshIds.has(o.id) || !announced(before, o, next, now)) continue;
    const previous = byDate.get(o.date);
    if (previous?.withdrawn !== undefined) continue;
    const filled: Array<'starts_at' | 'duration_minutes'> = [];
    const draft = base(o.date);
    // Keep the start and duration people were told: the new rule knows nothing of this date.
    if (draft.starts_at === undefined) {
      draft.starts_at = o.starts_at;
      filled.push('starts_at');
    }
    if (draft.duration_minutes === undefined) {
      draft.duration_minutes = o.duration_minutes;
      filled.push('duration_minutes');
    }
    // Already cancelled by the organiser: its cancellation stands; it only stays listed.
    writes.push({ ...draft, withdrawn: { filled, cancelled: !o.cancelled }, ...(o.cancelled ? {} : { cancelled: true, sequence: o.sequence + 1 }) });
  }

  for (const n of fresh) {
    const previous = byDate.get(n.date);
    if (previous?.withdrawn !== undefined) {
      if (!isRuleDate(after, n.date)) continue;
      // Back in the rule: it takes place again, at the new rule's time unless the organiser had
      // moved it (unless the organiser had cancelled it before it was withdrawn).
      const { withdrawn, ...rest } = base(n.date);
      for (const field of withdrawn?.filled ?? []) delete rest[field];
      if (withdrawn?.cancelled) {
        const back = buildOccurrence(after, n.date, rest);
        const moved = Date.parse(back.starts_at) !== Date.parse(n.starts_at);
        writes.push({ ...rest, ...(moved ? { previous_starts_at: n.starts_at } : {}), cancelled: false, sequence: previous.sequence + 1 });
      } else writes.push(rest);
      continue;
    }
    const was = oldById.get(n.id);
    if (!was || n.cancelled || !announced(before, was, next, now)) continue;
    const moved = Date.parse(n.starts_at) !== Date.parse(was.starts_at);
    if (!moved && n.duration_minutes === was.duration_minutes) continue;
    writes.push({ ...base(n.date), ...(moved ? { previous_starts_at: was.starts_at } : {}), sequence: was.sequence + 1 });
  }
  return writes;
}
