// Capacity items: every on-site day, every remote day, every workshop and the evening event is
// an item with its own capacity, its own counters and its own FIFO waiting list.
import type { Meeting } from '#shared/domain/meetings/schema.ts';

export type ItemKind = 'day' | 'remote' | 'workshop' | 'evening';

export interface ItemDefinition {
  /** Stable key within the meeting: `day:2025-06-07`, `workshop:<id>`, `evening`, `remote:<date>`. */
  key: string;
  kind: ItemKind;
  /** The day date or workshop id the item stands for (the evening event's date for `evening`). */
  ref: string;
  /** null: unlimited (remote attendance without a remote capacity). */
  capacity: number | null;
  waiting_list: boolean;
}

export interface CapacityItem extends ItemDefinition {
  /** Places taken. */
  confirmed: number;
  /** Requests on the waiting list. */
  waiting: number;
  /** Last waiting-list ticket issued (FIFO order); the next request waiting gets `seq + 1`. */
  seq: number;
}

export const dayKey = (date: string) => `day:${date}`;
export const remoteKey = (date: string) => `remote:${date}`;
export const workshopKey = (id: string) => `workshop:${id}`;
export const EVENING_KEY = 'evening';

/** The items a meeting definition implies, in display order. */
export function itemDefinitionsOf(meeting: Pick<Meeting, 'days' | 'workshops' | 'evening_event'>): ItemDefinition[] {
  const items: ItemDefinition[] = [];
  for (const day of meeting.days) {
    items.push({ key: dayKey(day.date), kind: 'day', ref: day.date, capacity: day.onsite_capacity, waiting_list: day.waiting_list });
    items.push({
      key: remoteKey(day.date),
      kind: 'remote',
      ref: day.date,
      capacity: day.remote_capacity ?? null,
      waiting_list: false,
    });
  }
  for (const w of meeting.workshops) {
    items.push({ key: workshopKey(w.id), kind: 'workshop', ref: w.id, capacity: w.capacity, waiting_list: w.waiting_list });
  }
  if (meeting.evening_event) {
    const e = meeting.evening_event;
    items.push({ key: EVENING_KEY, kind: 'evening', ref: e.date, capacity: e.capacity, waiting_list: e.waiting_list });
  }
  return items;
}

/** Live places of an item, in the shape Chrono gives its events (`places`). */
export interface Places {
  total: number | null;
  reserved: number;
  available: number | null;
  full: boolean;
  has_waiting_list: boolean;
  /** Size of the waiting list: null when unlimited (ours always are), 0 without one. */
  waiting_list_total: number | null;
  waiting_list_reserved: number;
  waiting_list_available: number | null;
  /** The next request goes to the waiting list. */
  waiting_list_activated: boolean;
}

export function placesOf(item: CapacityItem): Places {
  const available = item.capacity === null ? null : Math.max(0, item.capacity - item.confirmed);
  // Someone already waiting keeps priority over a place that has just freed.
  const full = available !== null && (available === 0 || item.waiting > 0);
  return {
    total: item.capacity,
    reserved: item.confirmed,
    available,
    full,
    has_waiting_list: item.waiting_list,
    waiting_list_total: item.waiting_list ? null : 0,
    waiting_list_reserved: item.waiting,
    waiting_list_available: item.waiting_list ? null : 0,
    waiting_list_activated: full && item.waiting_list,
  };
}

export interface StoredCounts {
  confirmed: number;
  waiting: number;
  seq?: number;
}

/** Counters start at zero for items that have no stored state yet. */
export function withCounters(definitions: ItemDefinition[], stored: Map<string, StoredCounts>): CapacityItem[] {
  return definitions.map((d) => {
    const c = stored.get(d.key);
    return { ...d, confirmed: c?.confirmed ?? 0, waiting: c?.waiting ?? 0, seq: c?.seq ?? 0 };
  });
}

/** The organiser's words for an item key: « Mercredi 7 juin (sur place) », « Atelier … ». */
export function describeItemKey(meeting: Pick<Meeting, 'days' | 'workshops' | 'evening_event'>, key: string): string {
  if (key === EVENING_KEY) return meeting.evening_event?.title ?? 'Soirée';
  const [prefix, ...rest] = key.split(':');
  const ref = rest.join(':');
  const day = meeting.days.find((d) => d.date === ref);
  if (prefix === 'day') return `${day?.label ?? ref} (sur place)`;
  if (prefix === 'remote') return `${day?.label ?? ref} (à distance)`;
  if (prefix === 'workshop') return `Atelier « ${meeting.workshops.find((w) => w.id === ref)?.title ?? ref} »`;
  return key;
}

/** Items whose confirmed places exceed their capacity (after an organiser allowed overbooking). */
export function overbookedItems(items: CapacityItem[]): Array<{ item: string; capacity: number; confirmed: number }> {
  return items.flatMap((i) => (i.capacity !== null && i.confirmed > i.capacity ? [{ item: i.key, capacity: i.capacity, confirmed: i.confirmed }] : []));
}
