// Who gets a place and who waits: plans computed from counters read just before. A plan is
// only a proposal: the repository writes it with DynamoDB conditions that hold only if the
// counters still allow it, and plans again when they do not. Pure.
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { RefusalError } from '#shared/errors.ts';
import { placesOf, workshopKey, type CapacityItem } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { onDay } from '#shared/domain/meetings/views.ts';

import type { WantedItem } from './rules.ts';
import type { HeldItem, Registration } from './schema.ts';

/**
 * +1 when the registration starts choosing a workshop, -1 when it stops: the workshop item's
 * `chosen` count (active registrations whose `workshops` name it, whatever they hold). An
 * organiser removes or moves a workshop only while its count is 0, in the write itself.
 */
export type ChoiceDelta = 1 | -1;

export type ItemAction =
  | { type: 'take'; key: string; chosen?: ChoiceDelta }
  /**
   * Joins the waiting list with ticket `ticket` (the item's `seq + 1` as read), behind the
   * `ahead` requests waiting when read. The write holds only if both are still true, so the
   * position announced (`ahead + 1`) is exact at commit.
   */
  | { type: 'wait'; key: string; ticket: number; ahead: number; chosen?: ChoiceDelta }
  | { type: 'release'; key: string; chosen?: ChoiceDelta }
  /** Leaves the waiting list: the entry of `ticket`, stored under `rank` when an organiser moved it. */
  | { type: 'leave'; key: string; ticket: number; rank?: string | undefined; chosen?: ChoiceDelta }
  /** Only the `chosen` count moves (a workshop waiting for its day, or kept as it is held). */
  | { type: 'choose'; key: string; chosen: ChoiceDelta };

export interface Plan {
  /** Counter changes to write; unchanged items appear in neither list. */
  actions: ItemAction[];
  /** What the registration holds afterwards (waiting items with their ticket). */
  held: HeldItem[];
}

/** 1-based waiting positions of the items a plan puts on a waiting list, exact at commit. */
export function positionsOf(actions: ItemAction[]): Map<string, number> {
  return new Map(actions.flatMap((a) => (a.type === 'wait' ? [[a.key, a.ahead + 1] as const] : [])));
}

/** The `wait` action and held item for `item`: the next ticket, behind those waiting now. */
function waitOn(item: CapacityItem): { action: ItemAction; held: HeldItem } {
  const ticket = item.seq + 1;
  return { action: { type: 'wait', key: item.key, ticket, ahead: item.waiting }, held: { key: item.key, status: 'waiting', ticket } };
}

function refusalFor(item: CapacityItem, meeting: Meeting): RefusalError {
  switch (item.kind) {
    case 'day': {
      const label = meeting.days.find((d) => d.date === item.ref)?.label ?? item.ref;
      return new RefusalError('day-full', `Plus aucune place sur place ${onDay(label)} : rien n’a été réservé.`, { date: item.ref });
    }
    case 'remote': {
      const label = meeting.days.find((d) => d.date === item.ref)?.label ?? item.ref;
      return new RefusalError('remote-full', `Plus aucune place à distance ${onDay(label)} : rien n’a été réservé.`, { date: item.ref });
    }
    case 'workshop': {
      const title = meeting.workshops.find((w) => w.id === item.ref)?.title ?? item.ref;
      return new RefusalError('workshop-full', `L’atelier « ${title} » est complet : rien n’a été réservé.`, { workshop: item.ref });
    }
    case 'evening':
      return new RefusalError('evening-full', 'La soirée est complète : rien n’a été réservé.');
  }
}

/** take a free place, else wait when the item has a waiting list, else refuse everything. */
function takeOrWait(item: CapacityItem, meeting: Meeting): 'take' | 'wait' {
  const places = placesOf(item);
  if (!places.full) return 'take';
  if (item.waiting_list) return 'wait';
  throw refusalFor(item, meeting);
}

function counter(counters: Map<string, CapacityItem>, key: string): CapacityItem {
  const item = counters.get(key);
  // The meeting changed between the reads (an item added or removed): decide again.
  if (!item) throw new StaleReadError();
  return item;
}

/**
 * Plans a new registration (previous = []) or a modification (previous = what is held).
 * Items held and still wanted are kept as they are (place or waiting position). A workshop
 * whose day is waiting holds nothing: it is decided when the day is granted.
 * Throws a RefusalError when an item is full without a waiting list (nothing is booked).
 */
export function planRegistration(
  meeting: Meeting,
  counters: Map<string, CapacityItem>,
  wanted: WantedItem[],
  previous: HeldItem[] = [],
): Plan {
  const before = new Map(previous.map((h) => [h.key, h]));
  const actions: ItemAction[] = [];
  const held: HeldItem[] = [];
  const statusOf = new Map<string, 'confirmed' | 'waiting'>();

  for (const want of wanted) {
    if (want.kind === 'workshop' && want.dayKey && statusOf.get(want.dayKey) !== 'confirmed') continue;
    const kept = before.get(want.key);
    if (kept) {
      held.push(kept);
      statusOf.set(want.key, kept.status);
      continue;
    }
    const item = counter(counters, want.key);
    const decision = takeOrWait(item, meeting);
    if (decision === 'take') {
      actions.push({ type: 'take', key: want.key });
      held.push({ key: want.key, status: 'confirmed' });
    } else {
      const wait = waitOn(item);
      actions.push(wait.action);
      held.push(wait.held);
    }
    statusOf.set(want.key, decision === 'take' ? 'confirmed' : 'waiting');
  }
  const keptKeys = new Set(held.map((h) => h.key));
  for (const h of previous) {
    if (keptKeys.has(h.key)) continue;
    actions.push(h.status === 'confirmed' ? { type: 'release', key: h.key } : leaveOf(h));
  }
  return { actions, held };
}

/** Everything held is given back (cancellation). */
export function planRelease(previous: HeldItem[]): ItemAction[] {
  return previous.map((h) => (h.status === 'confirmed' ? { type: 'release', key: h.key } : leaveOf(h)));
}

function leaveOf(h: HeldItem): ItemAction {
  return { type: 'leave', key: h.key, ticket: h.ticket ?? 0, ...(h.rank === undefined ? {} : { rank: h.rank }) };
}

export interface PromotionPlan {
  /** Follow-up counter changes for workshops that were waiting for the promoted day. */
  actions: ItemAction[];
  held: HeldItem[];
  /** Workshops dropped because they became full without a waiting list meanwhile. */
  dropped: string[];
}

/**
 * The first person waiting for `itemKey` gets its place. When the item is an on-site day, the
 * workshops they chose that day are decided now: a free place, or the workshop's waiting list.
 * `counted` are the workshops the registration is counted in (countedChoices): one dropped is
 * no longer chosen, and its item's `chosen` count goes down with the promotion.
 */
export function planPromotion(
  meeting: Meeting,
  counters: Map<string, CapacityItem>,
  held: HeldItem[],
  chosenWorkshops: string[],
  itemKey: string,
  counted: readonly string[],
): PromotionPlan {
  const next: HeldItem[] = held.map((h) => (h.key === itemKey ? { key: h.key, status: 'confirmed' } : h));
  const actions: ItemAction[] = [];
  const dropped: string[] = [];
  const promoted = counters.get(itemKey);
  if (promoted?.kind === 'day') {
    const heldKeys = new Set(held.map((h) => h.key));
    // A chosen workshop the meeting no longer has cannot be granted: dropped, not kept waiting.
    for (const id of chosenWorkshops) {
      if (!meeting.workshops.some((w) => w.id === id) && !heldKeys.has(`workshop:${id}`)) dropped.push(id);
    }
    for (const w of meeting.workshops) {
      const key = `workshop:${w.id}`;
      if (w.day !== promoted.ref || !chosenWorkshops.includes(w.id) || heldKeys.has(key)) continue;
      const item = counter(counters, key);
      const places = placesOf(item);
      if (!places.full) {
        actions.push({ type: 'take', key });
        next.push({ key, status: 'confirmed' });
      } else if (w.waiting_list) {
        const wait = waitOn(item);
        actions.push(wait.action);
        next.push(wait.held);
      } else {
        dropped.push(w.id);
      }
    }
  }
  // A workshop the meeting no longer has has no item left to count on (only a registration
  // stored before the counts existed can have chosen it, and it is counted in none).
  const defined = new Set(meeting.workshops.map((w) => w.id));
  const lost = counted.filter((id) => dropped.includes(id) && defined.has(id));
  return { actions: withChoices(actions, choiceDeltas(lost, [])), held: next, dropped };
}

/**
 * The workshops a registration is counted in. Registrations stored before the counts existed
 * (`choices_counted` false) are counted in none: their cancellation takes nothing away, and
 * their next modification counts every workshop they then choose.
 */
export function countedChoices(registration: Pick<Registration, 'workshops' | 'choices_counted' | 'state'>): string[] {
  return registration.state === 'active' && registration.choices_counted === true ? registration.workshops : [];
}

/** `chosen` changes of workshop items, from the workshops counted before to those chosen after. */
export function choiceDeltas(before: readonly string[], after: readonly string[]): Map<string, ChoiceDelta> {
  const deltas = new Map<string, ChoiceDelta>();
  for (const id of new Set(after)) if (!before.includes(id)) deltas.set(workshopKey(id), 1);
  for (const id of new Set(before)) if (!after.includes(id)) deltas.set(workshopKey(id), -1);
  return deltas;
}

/**
 * The plan's actions with the `chosen` deltas folded in: a delta rides on the action the plan
 * already makes on that item (a transaction may touch an item only once), or becomes a
 * `choose` action of its own.
 */
export function withChoices(actions: ItemAction[], deltas: ReadonlyMap<string, ChoiceDelta>): ItemAction[] {
  const merged = actions.map((a) => {
    const chosen = deltas.get(a.key);
    return chosen === undefined ? a : { ...a, chosen };
  });
  const touched = new Set(actions.map((a) => a.key));
  for (const [key, chosen] of deltas) if (!touched.has(key)) merged.push({ type: 'choose', key, chosen });
  return merged;
}
