// Due-pair computation for subjects that happen at a time (a session occurrence, a meeting's
// first day). Pure: from the subjects as they are now, what the ledger holds and `now`.
//
// Rules (contract-sessions.md, « Reminders: what is sent, when, and how often »):
// - A (subject, rule) pair is due when dueAt ≤ now < start and no reminder of that rule was
//   recorded for the subject's CURRENT start (a move makes every rule due again for the new time).
// - Several unrecorded rules due at once (missed ticks): only the one closest to the start is
//   sent; the others are recorded `skipped`. A due rule farther from the start than a rule
//   already recorded for this time is skipped too (its moment has passed).
// - A subject whose sequence was raised (moved, retitled) gets one `update` per sequence; one
//   cancelled gets one `cancellation` per sequence and nothing else afterwards. Both fall due
//   at once. Reminders that fall due in the same run as an update are recorded `skipped`
//   (`superseded`): the update already tells the new time, with its calendar invitation.
// - Past subjects (now ≥ start) get nothing.
import type { Dispatch, DispatchRecord, Plan } from './model.ts';

export interface TimedSubject {
  id: string;
  startsAt: Date;
  /** iCalendar SEQUENCE: 0 as first published, raised by every change announced. */
  sequence: number;
  cancelled: boolean;
  /** Each rule of the subject with the instant it falls due for the current start. */
  rules: Array<{ id: string; dueAt: Date }>;
}

/** The plan of an owner with nothing ahead (gone, or no rule): nothing sent, never due again. */
export const nothingPlanned = (): Plan => ({ fanOut: [], skip: [], nextDueAt: null });

export function planTimedSubjects(subjects: readonly TimedSubject[], history: readonly DispatchRecord[], now: Date): Plan {
  const plan: Plan = nothingPlanned();
  const ahead = (at: Date) => {
    const iso = at.toISOString();
    if (plan.nextDueAt === null || iso < plan.nextDueAt) plan.nextDueAt = iso;
  };
  const bySubject = new Map<string, DispatchRecord[]>();
  for (const r of history) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);

  for (const s of subjects) {
    if (now.getTime() >= s.startsAt.getTime()) continue;
    const records = bySubject.get(s.id) ?? [];
    const startsAt = s.startsAt.toISOString();
    const base = { subject: s.id, sequence: s.sequence, startsAt, dueAt: now.toISOString() };
    const has = (kind: Dispatch['kind'], sequence: number) => records.some((r) => r.kind === kind && r.sequence === sequence);

    if (s.cancelled) {
      if (!has('cancellation', s.sequence)) plan.fanOut.push({ ...base, kind: 'cancellation', rule: null });
      continue;
    }
    const updating = s.sequence > 0 && !has('update', s.sequence);
    if (updating) plan.fanOut.push({ ...base, kind: 'update', rule: null });

    const recorded = records.filter((r) => r.kind === 'reminder' && r.startsAt === startsAt);
    const recordedIds = new Set(recorded.map((r) => r.rule));
    const rules = s.rules.filter((r) => !recordedIds.has(r.id));
    const due = rules.filter((r) => r.dueAt.getTime() <= now.getTime()).sort((a, b) => b.dueAt.getTime() - a.dueAt.getTime());
    for (const r of rules) if (r.dueAt.getTime() > now.getTime()) ahead(r.dueAt);
    if (due.length === 0) continue;

    const latestRecorded = Math.max(
      -Infinity,
      ...recorded.map((r) => s.rules.find((x) => x.id === r.rule)?.dueAt.getTime() ?? -Infinity),
    );
    due.forEach((r, i) => {
      const dispatch = { ...base, kind: 'reminder' as const, rule: r.id, dueAt: r.dueAt.toISOString() };
      if (updating) plan.skip.push({ ...dispatch, reason: 'superseded' });
      else if (i === 0 && r.dueAt.getTime() > latestRecorded) plan.fanOut.push(dispatch);
      else plan.skip.push({ ...dispatch, reason: 'missed' });
    });
  }
  return plan;
}

/** Unfinished fan-outs of the ledger (a crashed or timed-out run): resumed at once. */
export function unfinished(history: readonly DispatchRecord[]): DispatchRecord[] {
  return history.filter((r) => r.status === 'fanning');
}
