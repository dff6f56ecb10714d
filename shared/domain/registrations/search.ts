// The console's registrations search and its rows (GET /admin/meetings/{id}/registrations/search):
// which registrations match the organiser's words and filters, and what a row shows. Pure.
import { dayKey, remoteKey } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { overallStatus, type OverallStatus } from './answer.ts';
import { confirmedOnsiteDays } from './check-in.ts';
import type { Registration } from './schema.ts';
import { positionIn, waitingOrderKey } from './waiting-order.ts';

export interface RegistrationFilter {
  /** Words to find in the name, badge name, organisation or email (accents and case ignored). */
  q?: string | undefined;
  /** Registered that day (with `mode` / `checkedIn`: on that day). */
  day?: string | undefined;
  mode?: 'onsite' | 'remote' | undefined;
  /** Absent: every active registration; `cancelled` lists the cancelled ones. */
  status?: OverallStatus | undefined;
  checkedIn?: boolean | undefined;
}

/** `Hélène D'Argenson` → `helene d'argenson`: accents and case ignored, apostrophes unified. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’ʼ‘]/g, "'").toLowerCase().replace(/\s+/g, ' ').trim();
}

function haystack(reg: Registration): string {
  return foldText([reg.first_name, reg.last_name, reg.badge_name, reg.organisation, reg.email].filter(Boolean).join(' \u0000 '));
}

export function matchesFilter(reg: Registration, filter: RegistrationFilter): boolean {
  const status = overallStatus(reg);
  if (filter.status === undefined ? status === 'cancelled' : status !== filter.status) return false;
  const days = filter.day === undefined ? reg.days : reg.days.filter((d) => d.date === filter.day);
  if (filter.day !== undefined && days.length === 0 && reg.checked_in[filter.day] === undefined) return false;
  if (filter.mode !== undefined && !days.some((d) => d.mode === filter.mode)) return false;
  if (filter.checkedIn !== undefined) {
    const came = filter.day === undefined ? Object.keys(reg.checked_in).length > 0 : reg.checked_in[filter.day] !== undefined;
    if (came !== filter.checkedIn) return false;
  }
  if (filter.q !== undefined) {
    const text = haystack(reg);
    // Every word typed must appear (« martin villejuif » finds Claire Martin of Villejuif).
    if (!foldText(filter.q).split(' ').every((word) => text.includes(word))) return false;
  }
  return true;
}

/**
 * The day items (on site, remote) a registration waits for with a stored waiting entry (a
 * ticket): the positions a row shows.
 */
export function waitingDayItems(reg: Registration): Registration['items'] {
  return reg.items.filter((h) => h.status === 'waiting' && h.ticket !== undefined && (h.key.startsWith('day:') || h.key.startsWith('remote:')));
}

/**
 * A row's waiting positions by item key, from its lists as read once for the whole page
 * (`orders`: each list's stored sort keys, by item key): the number the repository's
 * `waitingPositions` counts for the same registration on the same stored list.
 */
export function rowWaitingPositions(reg: Registration, orders: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  return new Map(waitingDayItems(reg).map((h) => [h.key, positionIn(orders.get(h.key) ?? [], waitingOrderKey(h))]));
}

/**
 * One row of the console's table: who, and per day their mode, place, waiting position (from
 * `positions`, by item key) and arrival.
 */
export function searchRow(reg: Registration, meeting: Pick<Meeting, 'days'>, positions: ReadonlyMap<string, number> = new Map()) {
  const onsite = new Set(confirmedOnsiteDays(reg));
  const held = (key: string) => reg.items.find((h) => h.key === key)?.status ?? 'waiting';
  const registered = new Map(reg.days.map((d) => [d.date, d.mode]));
  return {
    registration_id: reg.id,
    first_name: reg.first_name ?? null,
    last_name: reg.last_name,
    badge_name: reg.badge_name ?? null,
    organisation: reg.organisation,
    email: reg.email,
    status: overallStatus(reg),
    // Every day of the meeting the person is registered for or was checked in on (a forced check-in).
    days: meeting.days
      .filter((d) => registered.has(d.date) || reg.checked_in[d.date] !== undefined)
      .map((d) => {
        const mode = registered.get(d.date) ?? null;
        const key = mode === 'onsite' ? dayKey(d.date) : remoteKey(d.date);
        const place = mode === null ? null : held(key);
        return {
          date: d.date,
          mode,
          place,
          waiting_position: place === 'waiting' ? (positions.get(key) ?? null) : null,
          checked_in_at: reg.checked_in[d.date] ?? null,
          /** Confirmed on site that day: the door checks them in without `force`. */
          expected_onsite: onsite.has(d.date),
        };
      }),
  };
}
export type SearchRow = ReturnType<typeof searchRow>;
