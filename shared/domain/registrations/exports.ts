// What organisers read about a meeting's registrations: live counts, the registrations list
// (JSON and CSV), per-workshop rosters, the evening list with dietary needs, the "do not
// photograph" list. Pure: the handler loads the meeting, its capacity
// items and its registrations, these functions shape them.
import { csvDateTime, type Cell, type Sheet } from '#shared/domain/csv.ts';
import { NotFoundError } from '#shared/errors.ts';
import { EVENING_KEY, dayKey, placesOf, remoteKey, workshopKey, type CapacityItem } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { onDay } from '#shared/domain/meetings/views.ts';
import { confirmedOnsiteDays } from './check-in.ts';
import { overallStatus, registrationAnswer, type OverallStatus } from './answer.ts';
import type { HeldItem, Registration } from './schema.ts';
import { compareOrderKeys, waitingOrderKey } from './waiting-order.ts';

// ---------------------------------------------------------------------------------------
// French values

export const NONE = '—';

const PROFILE_LABELS: Record<NonNullable<Registration['profile']>, string> = {
  newcomer: 'Nouvel·le utilisateur·rice',
  expert: 'Expert·e',
};

const STATUS_LABELS: Record<OverallStatus, string> = {
  confirmed: 'Confirmée',
  waiting: 'Liste d’attente',
  partial: 'Partielle',
  cancelled: 'Annulée',
};

const IMAGE_RIGHTS_LABELS = { accepted: 'Accepte', refused: 'Refuse' } as const;

export const DAY_VALUES = {
  onsite: 'Sur place',
  onsiteWaiting: 'Sur place (liste d’attente)',
  remote: 'À distance',
} as const;

export const ITEM_VALUES = {
  confirmed: 'Inscrit·e',
  waiting: 'Liste d’attente',
  waitingForDay: 'En attente du jour',
} as const;

// Built on first use: an Intl.Collator costs 10–20 ms to create (ICU start-up), and every
// function that can export a sheet bundles this module though most requests never sort names.
let collator: Intl.Collator | undefined;

/** Alphabetical by last name, then first name, then email (stable for homonyms). */
function byName(a: Registration, b: Registration): number {
  collator ??= new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
  return (
    collator.compare(a.last_name, b.last_name) ||
    collator.compare(a.first_name ?? '', b.first_name ?? '') ||
    a.email.localeCompare(b.email)
  );
}

const heldItem = (reg: Registration, key: string): HeldItem | undefined => reg.items.find((h) => h.key === key);

// ---------------------------------------------------------------------------------------
// Waiting positions

/** Waiting positions (1 = next to be promoted) by registration id, then by item key. */
export type PositionsByRegistration = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * Positions on every waiting list, from the order keys the active registrations hold (their
 * FIFO ticket, or where an organiser moved them): the same order as the stored waiting entries,
 * without one query per person.
 */
export function waitingPositionsOf(registrations: Registration[]): PositionsByRegistration {
  const lines = new Map<string, { id: string; order: string }[]>();
  for (const reg of registrations) {
    if (reg.state !== 'active') continue;
    for (const h of reg.items) {
      if (h.status !== 'waiting' || h.ticket === undefined) continue;
      const line = lines.get(h.key) ?? [];
      line.push({ id: reg.id, order: waitingOrderKey(h) });
      lines.set(h.key, line);
    }
  }
  const out = new Map<string, Map<string, number>>();
  for (const [key, line] of lines) {
    line.sort((a, b) => compareOrderKeys(a.order, b.order));
    line.forEach((entry, i) => {
      const mine = out.get(entry.id) ?? new Map<string, number>();
      mine.set(key, i + 1);
      out.set(entry.id, mine);
    });
  }
  return out;
}

const NO_POSITIONS: ReadonlyMap<string, number> = new Map();

// ---------------------------------------------------------------------------------------
// Live counts

export interface ItemCount {
  capacity: number | null;
  confirmed: number;
  waiting: number;
  /** Places left (null: unlimited). A place freed while someone waits is not available. */
  available: number | null;
}

function itemCount(items: Map<string, CapacityItem>, key: string): ItemCount {
  const item = items.get(key);
  if (!item) return { capacity: null, confirmed: 0, waiting: 0, available: null };
  const places = placesOf(item);
  return {
    capacity: item.capacity,
    confirmed: item.confirmed,
    waiting: item.waiting,
    available: places.full ? 0 : places.available,
  };
}

/**
 * A meeting's fill levels from its capacity counters alone (GET /admin/meetings/{id}/fill: one
 * Query of the meeting's partition, no registration read): per day on site and remote, per
 * workshop, and the evening event.
 */
export function meetingFill(meeting: Meeting, items: CapacityItem[]) {
  const byKey = new Map(items.map((i) => [i.key, i]));
  return {
    days: meeting.days.map((d) => ({
      date: d.date,
      label: d.label,
      onsite: itemCount(byKey, dayKey(d.date)),
      remote: itemCount(byKey, remoteKey(d.date)),
    })),
    workshops: meeting.workshops.map((w) => ({ id: w.id, title: w.title, day: w.day, ...itemCount(byKey, workshopKey(w.id)) })),
    evening_event: meeting.evening_event
      ? { date: meeting.evening_event.date, title: meeting.evening_event.title, ...itemCount(byKey, EVENING_KEY) }
      : null,
  };
}
export type MeetingFill = ReturnType<typeof meetingFill>;

/**
 * Live counts per day (on site, remote, checked in), per workshop and for the evening event.
 * Places come from the capacity counters (the source of truth for capacity, as in meetingFill);
 * what only the registrations know (check-ins, workshops waiting for their day, statuses) from them.
 */
export function meetingCounts(meeting: Meeting, items: CapacityItem[], registrations: Registration[]) {
  const fill = meetingFill(meeting, items);
  const active = registrations.filter((r) => r.state === 'active');
  const statuses = active.map(overallStatus);
  const countStatus = (s: OverallStatus) => statuses.filter((x) => x === s).length;
  return {
    registrations: {
      active: active.length,
      cancelled: registrations.length - active.length,
      confirmed: countStatus('confirmed'),
      partial: countStatus('partial'),
      waiting: countStatus('waiting'),
      image_rights_refused: active.filter((r) => r.image_rights?.answer === 'refused').length,
    },
    days: fill.days.map((d) => ({ ...d, checked_in: active.filter((r) => r.checked_in[d.date] !== undefined).length })),
    workshops: fill.workshops.map((w) => ({
      ...w,
      waiting_for_day: active.filter((r) => r.workshops.includes(w.id) && !heldItem(r, workshopKey(w.id))).length,
    })),
    evening_event: fill.evening_event,
    /**
     * Who came, per day: people checked in (at the door by badge or by id, forced ones included)
     * out of those confirmed on site that day.
     */
    attendance: meeting.days.map((d) => ({
      date: d.date,
      label: d.label,
      checked_in: active.filter((r) => r.checked_in[d.date] !== undefined).length,
      confirmed_onsite: active.filter((r) => confirmedOnsiteDays(r).includes(d.date)).length,
    })),
  };
}
export type MeetingCounts = ReturnType<typeof meetingCounts>;

const countCell = (n: number | null): Cell => (n === null ? 'illimité' : n);

/** The counts as one line per item (GET /admin/meetings/{id}?format=csv). */
export function countsSheet(counts: MeetingCounts): Sheet {
  const rows: Cell[][] = [];
  for (const d of counts.days) {
    rows.push([`${d.label} — sur place`, countCell(d.onsite.capacity), d.onsite.confirmed, d.onsite.waiting, countCell(d.onsite.available), d.checked_in]);
    rows.push([`${d.label} — à distance`, countCell(d.remote.capacity), d.remote.confirmed, 0, countCell(d.remote.available), '']);
  }
  for (const w of counts.workshops) {
    rows.push([w.title, countCell(w.capacity), w.confirmed, w.waiting, countCell(w.available), '']);
  }
  const e = counts.evening_event;
  if (e) rows.push([e.title, countCell(e.capacity), e.confirmed, e.waiting, countCell(e.available), '']);
  return { headers: ['Élément', 'Capacité', 'Inscrit·es', 'Liste d’attente', 'Places restantes', 'Présent·es'], rows };
}

// ---------------------------------------------------------------------------------------
// The registrations list

/** One registration for the organisers' JSON list: the contract's answer plus identity. */
export function registrationListRow(reg: Registration, meeting: Meeting, positions: ReadonlyMap<string, number>) {
  // The answer's `api` links are signed Publik routes (useless to organisers) and carry the
  // personal calendar token: left out.
  const { replayed: _replayed, api: _api, ...answer } = registrationAnswer(reg, meeting, positions, '', false);
  return {
    ...answer,
    first_name: reg.first_name ?? null,
    last_name: reg.last_name,
    organisation: reg.organisation,
    organisation_kind: reg.organisation_kind ?? null,
    job_title: reg.job_title ?? null,
    phone: reg.phone ?? null,
    profile: reg.profile ?? null,
    badge_name: reg.badge_name ?? null,
    dietary_requirements: reg.dietary_requirements ?? null,
    accessibility_needs: reg.accessibility_needs ?? null,
    image_rights_notice_version: reg.image_rights?.notice_version ?? null,
    image_rights_answered_at: reg.image_rights?.answered_at ?? null,
    checked_in: reg.checked_in,
    form_number: reg.form_number ?? null,
    form_url: reg.form_url ?? null,
    created_at: reg.created_at,
    updated_at: reg.updated_at,
    cancelled_at: reg.cancelled_at ?? null,
  };
}
export type RegistrationListRow = ReturnType<typeof registrationListRow>;

/** Registrations for the JSON list, alphabetical; cancelled ones only when asked for. */
export function registrationList(meeting: Meeting, registrations: Registration[], opts: { includeCancelled?: boolean } = {}) {
  const positions = waitingPositionsOf(registrations);
  return registrations
    .filter((r) => opts.includeCancelled === true || r.state === 'active')
    .sort(byName)
    .map((r) => registrationListRow(r, meeting, positions.get(r.id) ?? NO_POSITIONS));
}

function dayValue(reg: Registration, date: string): string {
  const day = reg.days.find((d) => d.date === date);
  if (!day) return NONE;
  if (day.mode === 'remote') return DAY_VALUES.remote;
  return heldItem(reg, dayKey(date))?.status === 'confirmed' ? DAY_VALUES.onsite : DAY_VALUES.onsiteWaiting;
}

function workshopValue(reg: Registration, workshopId: string): string {
  if (!reg.workshops.includes(workshopId)) return NONE;
  const held = heldItem(reg, workshopKey(workshopId));
  if (!held) return ITEM_VALUES.waitingForDay;
  return held.status === 'confirmed' ? ITEM_VALUES.confirmed : ITEM_VALUES.waiting;
}

function eveningValue(reg: Registration): string {
  if (!reg.evening_event) return NONE;
  return heldItem(reg, EVENING_KEY)?.status === 'confirmed' ? ITEM_VALUES.confirmed : ITEM_VALUES.waiting;
}

/**
 * One row per active person (cancelled registrations are not exported): identity, one
 * column per day, per workshop, the evening event, image rights, needs, check-in per day,
 * status, form number and registration time (meeting time zone). Alphabetical.
 */
export function registrationsSheet(meeting: Meeting, registrations: Registration[]): Sheet {
  const zone = meeting.timezone;
  const headers = [
    'Nom',
    'Prénom',
    'Courriel',
    'Organisation',
    'Type d’organisation',
    'Fonction',
    'Téléphone',
    'Profil',
    ...meeting.days.map((d) => d.label),
    ...meeting.workshops.map((w) => w.title),
    ...(meeting.evening_event ? ['Soirée'] : []),
    'Droit à l’image',
    'Version de la mention',
    'Nom sur le badge',
    'Régime alimentaire',
    'Accessibilité',
    ...meeting.days.map((d) => `Présent ${onDay(d.label)}`),
    'Statut',
    'N° du formulaire',
    'Inscrit·e le',
  ];
  const rows = registrations
    .filter((r) => r.state === 'active')
    .sort(byName)
    .map((r): Cell[] => [
      r.last_name,
      r.first_name ?? '',
      r.email,
      r.organisation,
      r.organisation_kind ?? '',
      r.job_title ?? '',
      r.phone ?? '',
      r.profile ? PROFILE_LABELS[r.profile] : NONE,
      ...meeting.days.map((d) => dayValue(r, d.date)),
      ...meeting.workshops.map((w) => workshopValue(r, w.id)),
      ...(meeting.evening_event ? [eveningValue(r)] : []),
      r.image_rights ? IMAGE_RIGHTS_LABELS[r.image_rights.answer] : NONE,
      r.image_rights?.notice_version ?? '',
      r.badge_name ?? '',
      r.dietary_requirements ?? '',
      r.accessibility_needs ?? '',
      ...meeting.days.map((d) => {
        const at = r.checked_in[d.date];
        return csvDateTime(at, zone);
      }),
      STATUS_LABELS[overallStatus(r)],
      r.form_number ?? '',
      csvDateTime(r.created_at, zone),
    ]);
  return { headers, rows };
}

// ---------------------------------------------------------------------------------------
// Per-workshop rosters and the evening list

export type ListStatus = 'confirmed' | 'waiting' | 'waiting_for_day';

const LIST_STATUS_LABELS: Record<ListStatus, string> = {
  confirmed: ITEM_VALUES.confirmed,
  waiting: ITEM_VALUES.waiting,
  waiting_for_day: ITEM_VALUES.waitingForDay,
};

interface ListEntry {
  status: ListStatus;
  /** On the waiting list (1 = next to be promoted); null otherwise. */
  waiting_position: number | null;
  registration_id: string;
  last_name: string;
  first_name: string | null;
  organisation: string;
  email: string;
}

function listEntry(reg: Registration, status: ListStatus, position: number | null): ListEntry {
  return {
    status,
    waiting_position: position,
    registration_id: reg.id,
    last_name: reg.last_name,
    first_name: reg.first_name ?? null,
    organisation: reg.organisation,
    email: reg.email,
  };
}

/**
 * Who holds an item: confirmed people alphabetically, then the waiting list in FIFO order
 * with positions. Order keys give the order (waiting-order.ts); positions are the ranks among active holders.
 */
function holdersOf(registrations: Registration[], key: string): { reg: Registration; status: 'confirmed' | 'waiting'; position: number | null }[] {
  const active = registrations.filter((r) => r.state === 'active');
  const confirmed = active.filter((r) => heldItem(r, key)?.status === 'confirmed').sort(byName);
  const waiting = active
    .filter((r) => heldItem(r, key)?.status === 'waiting')
    .sort((a, b) => compareOrderKeys(waitingOrderKey(heldItem(a, key) ?? {}), waitingOrderKey(heldItem(b, key) ?? {})));
  return [
    ...confirmed.map((reg) => ({ reg, status: 'confirmed' as const, position: null })),
    ...waiting.map((reg, i) => ({ reg, status: 'waiting' as const, position: i + 1 })),
  ];
}

export const unknownWorkshop = (id: string) => new NotFoundError(`Atelier inconnu : « ${id} ».`, 'unknown-workshop');

/**
 * A workshop's roster: confirmed, then waiting (FIFO, with position), then the people who
 * chose it while waiting for its day (they hold no place nor position yet).
 */
export function workshopRoster(meeting: Meeting, registrations: Registration[], workshopId: string) {
  const workshop = meeting.workshops.find((w) => w.id === workshopId);
  if (!workshop) throw unknownWorkshop(workshopId);
  const key = workshopKey(workshopId);
  const holders = holdersOf(registrations, key).map(({ reg, status, position }) => ({
    ...listEntry(reg, status, position),
    profile: reg.profile ?? null,
    accessibility_needs: reg.accessibility_needs ?? null,
    checked_in_at: reg.checked_in[workshop.day] ?? null,
  }));
  const forDay = registrations
    .filter((r) => r.state === 'active' && r.workshops.includes(workshopId) && !heldItem(r, key))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
    .map((reg) => ({
      ...listEntry(reg, 'waiting_for_day', null),
      profile: reg.profile ?? null,
      accessibility_needs: reg.accessibility_needs ?? null,
      checked_in_at: reg.checked_in[workshop.day] ?? null,
    }));
  const day = meeting.days.find((d) => d.date === workshop.day);
  return {
    workshop: {
      id: workshop.id,
      title: workshop.title,
      day: workshop.day,
      day_label: day?.label ?? workshop.day,
      starts_at: workshop.starts_at,
      ends_at: workshop.ends_at,
      capacity: workshop.capacity,
    },
    entries: [...holders, ...forDay],
  };
}
export type WorkshopRoster = ReturnType<typeof workshopRoster>;

/** The first columns of every list (roster, evening): who, where in the list. */
const LIST_HEADERS = ['Statut', 'Position', 'Nom', 'Prénom', 'Organisation', 'Courriel'];
function listCells(e: ReturnType<typeof listEntry>) {
  return [LIST_STATUS_LABELS[e.status], e.waiting_position ?? '', e.last_name, e.first_name ?? '', e.organisation, e.email];
}

export function rosterSheet(meeting: Meeting, roster: WorkshopRoster): Sheet {
  return {
    headers: [...LIST_HEADERS, 'Profil', 'Accessibilité', 'Présent·e'],
    rows: roster.entries.map((e) => [
      ...listCells(e),
      e.profile ? PROFILE_LABELS[e.profile] : NONE,
      e.accessibility_needs ?? '',
      csvDateTime(e.checked_in_at, meeting.timezone),
    ]),
  };
}

export const noEveningEvent = () => new NotFoundError('Cette réunion n’a pas de soirée.', 'no-evening-event');

/** The evening event's list: confirmed then waiting (FIFO), with dietary requirements. */
export function eveningList(meeting: Meeting, registrations: Registration[]) {
  const evening = meeting.evening_event;
  if (!evening) throw noEveningEvent();
  return {
    evening_event: { date: evening.date, title: evening.title, starts_at: evening.starts_at ?? null, capacity: evening.capacity },
    entries: holdersOf(registrations, EVENING_KEY).map(({ reg, status, position }) => ({
      ...listEntry(reg, status, position),
      dietary_requirements: reg.dietary_requirements ?? null,
      accessibility_needs: reg.accessibility_needs ?? null,
    })),
  };
}
export type EveningList = ReturnType<typeof eveningList>;

export function eveningSheet(list: EveningList): Sheet {
  return {
    headers: [...LIST_HEADERS, 'Régime alimentaire', 'Accessibilité'],
    rows: list.entries.map((e) => [
      ...listCells(e),
      e.dietary_requirements ?? '',
      e.accessibility_needs ?? '',
    ]),
  };
}

// ---------------------------------------------------------------------------------------
// The "do not photograph" list

/**
 * Active registrations that refused image rights, alphabetical, with what the photographer
 * needs to recognise them (badge name, organisation) and the days they may be on site
 * (waiting days included: they may be promoted). Remote-only people stay listed, with no day.
 */
export function imageRightsRefusals(meeting: Meeting, registrations: Registration[]) {
  const labels = new Map(meeting.days.map((d) => [d.date, d.label]));
  return registrations
    .filter((r) => r.state === 'active' && r.image_rights?.answer === 'refused')
    .sort(byName)
    .map((r) => ({
      registration_id: r.id,
      last_name: r.last_name,
      first_name: r.first_name ?? null,
      organisation: r.organisation,
      badge_name: r.badge_name ?? null,
      profile: r.profile ?? null,
      onsite_days: r.days
        .filter((d) => d.mode === 'onsite')
        .map((d) => ({
          date: d.date,
          label: labels.get(d.date) ?? d.date,
          status: heldItem(r, dayKey(d.date))?.status ?? 'waiting',
        })),
      notice_version: r.image_rights?.notice_version ?? null,
      answered_at: r.image_rights?.answered_at ?? null,
    }));
}
export type ImageRightsRefusal = ReturnType<typeof imageRightsRefusals>[number];

export function refusalsSheet(refusals: ImageRightsRefusal[]): Sheet {
  return {
    headers: ['Nom', 'Prénom', 'Organisation', 'Nom sur le badge', 'Profil', 'Jours sur place'],
    rows: refusals.map((r) => [
      r.last_name,
      r.first_name ?? '',
      r.organisation,
      r.badge_name ?? '',
      r.profile ? PROFILE_LABELS[r.profile] : NONE,
      r.onsite_days.length === 0
        ? NONE
        : r.onsite_days.map((d) => (d.status === 'confirmed' ? d.label : `${d.label} (liste d’attente)`)).join(' ; '),
    ]),
  };
}
