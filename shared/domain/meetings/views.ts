// What data sources and the meeting route show: French labels with live places. Pure.
import { frenchMonth, frenchWeekday } from '#shared/domain/french-calendar.ts';
import type { DataSourceItem } from '#shared/publik/data-source.ts';
import { EVENING_KEY, dayKey, placesOf, remoteKey, workshopKey, type CapacityItem, type Places } from '#shared/domain/meetings/items.ts';
import { DEFAULT_RETENTION_DAYS, type Meeting } from '#shared/domain/meetings/schema.ts';

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('fr-FR') + s.slice(1);

// Calendar dates are named without Intl (shared/domain/french-calendar.ts): no ICU start-up on
// the first request of a data source.
interface CalendarDate {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** `2025-06-07` as a calendar date (UTC midnight: no time zone shift). */
function calendarDate(date: string): CalendarDate {
  const d = new Date(`${date}T00:00:00Z`);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

const monthName = (d: CalendarDate) => frenchMonth(d.month);

/** `2025-06-07` → `Samedi 7 juin`, `2026-01-01` → `Jeudi 1er janvier` (a calendar date, no time zone shift). */
export function frenchDayLabel(date: string): string {
  const d = calendarDate(date);
  return capitalise(`${frenchWeekday(d.weekday)} ${d.day === 1 ? '1er' : d.day} ${monthName(d)}`);
}

const WEEKDAY = /^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b/i;

/**
 * A day label as written inside a sentence: labels are capitalised for lists (« Jeudi 8 juin »),
 * French writes « le jeudi 8 juin ». Undefined for a label of the organiser's own wording.
 */
export function weekdayInSentence(label: string): string | undefined {
  return WEEKDAY.test(label) ? label.charAt(0).toLocaleLowerCase('fr-FR') + label.slice(1) : undefined;
}

/** « le jeudi 8 juin », or « le jour « Journée plénière » » for a label of the organiser's own. */
export function onDay(label: string): string {
  const weekday = weekdayInSentence(label);
  return weekday ? `le ${weekday}` : `le jour « ${label} »`;
}

/** `14:00` → `14h00`. */
const frenchTime = (hhmm: string) => hhmm.replace(':', 'h');

export function placesLeftText(places: Places): string {
  if (places.available === null) return 'places illimitées';
  if (!places.full) return places.available === 1 ? '1 place restante' : `${places.available} places restantes`;
  if (places.has_waiting_list) {
    const n = places.waiting_list_reserved;
    return n === 0
      ? 'complet, liste d’attente ouverte'
      : `complet, liste d’attente (${n} ${n === 1 ? 'personne' : 'personnes'})`;
  }
  return 'complet';
}

export function isRegistrationOpen(meeting: Pick<Meeting, 'registration_opens_at' | 'registration_closes_at'>, now: Date): boolean {
  const t = now.getTime();
  return t >= Date.parse(meeting.registration_opens_at) && t <= Date.parse(meeting.registration_closes_at);
}

/** `7 et 8 juin 2025`, `30 juin et 1er juillet 2025`, `7 juin 2025`. */
export function frenchDateRange(dates: string[]): string {
  const sorted = [...dates].sort();
  const parts = sorted.map(calendarDate);
  const dayOf = (dt: CalendarDate) => (dt.day === 1 ? '1er' : String(dt.day));
  if (parts.length === 0) return '';
  const last = parts[parts.length - 1] as CalendarDate;
  const sameMonth = parts.every((p) => p.month === last.month && p.year === last.year);
  const full = (dt: CalendarDate) => `${dayOf(dt)} ${monthName(dt)} ${dt.year}`;
  if (parts.length === 1) return full(last);
  if (sameMonth) {
    const days = parts.slice(0, -1).map(dayOf).join(', ');
    return `${days} et ${full(last)}`;
  }
  const head = parts.slice(0, -1).map((dt) => `${dayOf(dt)} ${monthName(dt)}`).join(', ');
  return `${head} et ${full(last)}`;
}

type ItemIndex = Map<string, CapacityItem>;
const indexItems = (items: CapacityItem[]): ItemIndex => new Map(items.map((i) => [i.key, i]));

function placesFor(index: ItemIndex, key: string): Places {
  const item = index.get(key);
  if (!item) throw new Error(`no capacity item ${key}`);
  return placesOf(item);
}

export interface MeetingDataSourceItem extends DataSourceItem {
  title: string;
  venue: string;
  dates: string[];
  registration_open: boolean;
}

export function meetingDataSourceItem(meeting: Meeting, now: Date): MeetingDataSourceItem {
  const open = isRegistrationOpen(meeting, now);
  return {
    id: meeting.id,
    text: `${meeting.title} — ${meeting.venue}, ${frenchDateRange(meeting.days.map((d) => d.date))}`,
    title: meeting.title,
    venue: meeting.venue,
    dates: meeting.days.map((d) => d.date).sort(),
    registration_opens_at: meeting.registration_opens_at,
    registration_closes_at: meeting.registration_closes_at,
    registration_open: open,
    disabled: !open,
  };
}

/**
 * The days data source. Plain (`mode` absent), it serves a field choosing days whatever the mode:
 * a full day stays selectable while remote attendance is open. With `mode: 'onsite'` it serves an
 * on-site choice: a day full without waiting list is disabled.
 */
export function dayDataSourceItems(meeting: Meeting, items: CapacityItem[], mode?: 'onsite'): DataSourceItem[] {
  const index = indexItems(items);
  return meeting.days.map((day) => {
    const onsite = placesFor(index, dayKey(day.date));
    const remote = placesFor(index, remoteKey(day.date));
    const onsiteClosed = onsite.full && !onsite.has_waiting_list;
    return {
      id: day.date,
      text: `${day.label} — sur place : ${placesLeftText(onsite)}`,
      date: day.date,
      label: day.label,
      disabled: mode === 'onsite' ? onsiteClosed : onsiteClosed && remote.full,
      places: onsite,
      remote_places: remote,
    };
  });
}

export function workshopDataSourceItems(meeting: Meeting, items: CapacityItem[], day?: string): DataSourceItem[] {
  const index = indexItems(items);
  const labels = new Map(meeting.days.map((d) => [d.date, d.label]));
  return meeting.workshops
    .filter((w) => day === undefined || w.day === day)
    .map((w) => {
      const places = placesFor(index, workshopKey(w.id));
      return {
        id: w.id,
        text: `${w.title} (${labels.get(w.day) ?? w.day}, ${frenchTime(w.starts_at)}–${frenchTime(w.ends_at)}) — ${placesLeftText(places)}`,
        title: w.title,
        day: w.day,
        starts_at: w.starts_at,
        ends_at: w.ends_at,
        description: w.description,
        disabled: places.full && !places.has_waiting_list,
        places,
      };
    });
}

/** The whole meeting with live places (GET /meetings/{meetingId}). */
export function meetingView(meeting: Meeting, items: CapacityItem[], now: Date) {
  const index = indexItems(items);
  return {
    id: meeting.id,
    title: meeting.title,
    venue: meeting.venue,
    description: meeting.description,
    timezone: meeting.timezone,
    registration_opens_at: meeting.registration_opens_at,
    registration_closes_at: meeting.registration_closes_at,
    registration_open: isRegistrationOpen(meeting, now),
    image_rights_notice: meeting.image_rights_notice,
    image_rights_notice_version: meeting.image_rights_notice ? meeting.image_rights_notice_version : undefined,
    days: meeting.days.map((d) => ({
      date: d.date,
      label: d.label,
      onsite_capacity: d.onsite_capacity,
      waiting_list: d.waiting_list,
      remote_capacity: d.remote_capacity ?? null,
      places: placesFor(index, dayKey(d.date)),
      remote_places: placesFor(index, remoteKey(d.date)),
    })),
    workshops: meeting.workshops.map((w) => ({ ...w, places: placesFor(index, workshopKey(w.id)) })),
    evening_event: meeting.evening_event ? { ...meeting.evening_event, places: placesFor(index, EVENING_KEY) } : null,
    retention_days: meeting.retention_days ?? DEFAULT_RETENTION_DAYS,
  };
}
