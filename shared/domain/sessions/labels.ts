// French wording of an occurrence's date and time, in the series' time zone. Used by the data
// source (`Mardi 12 janvier 2027, 14 h 00 – 15 h 30 — Le nouveau portail agent`) and by the
// reminder emails (`mardi 12 janvier 2027 à 14 h 00`).
import { DateTime } from 'luxon';
import { frenchMonth, frenchWeekday } from '#shared/domain/french-calendar.ts';

type Timed = { starts_at: string; ends_at: string };

// No zone here: an occurrence's starts_at and ends_at carry the offset of the series' zone at
// that instant (occurrence-build.ts places them with the offsets stored with the series), so
// their own wall-clock fields are the local time. The French names and the digits are written
// out (shared/domain/french-calendar.ts): no Intl.NumberFormat nor French Intl.DateTimeFormat
// to start on the first request of the data source.
const local = (instant: string) => DateTime.fromISO(instant, { setZone: true });

/** `14 h 00` (French typography: spaces around « h », minutes always shown). */
export function frenchClock(dt: DateTime): string {
  return `${dt.hour} h ${String(dt.minute).padStart(2, '0')}`;
}

/** `mardi 12 janvier 2027`, `vendredi 1er octobre 2027`. */
export function frenchDate(dt: DateTime): string {
  return `${frenchWeekday(dt.weekday)} ${dt.day === 1 ? '1er' : dt.day} ${frenchMonth(dt.month)} ${String(dt.year).padStart(4, '0')}`;
}

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('fr-FR') + s.slice(1);

/** `mardi 12 janvier 2027 à 14 h 00`: the start, as written inside a sentence. */
export function occurrenceWhenInSentence(o: Pick<Timed, 'starts_at'>): string {
  const start = local(o.starts_at);
  return `${frenchDate(start)} à ${frenchClock(start)}`;
}

/** `Mardi 12 janvier 2027, 14 h 00 – 15 h 30`. */
export function occurrenceWhen(o: Timed): string {
  const start = local(o.starts_at);
  const end = local(o.ends_at);
  return `${capitalise(frenchDate(start))}, ${frenchClock(start)} – ${frenchClock(end)}`;
}

/** `Mardi 12 janvier 2027, 14 h 00 – 15 h 30 — Le nouveau portail agent`. */
export function occurrenceLabel(o: Timed & { topic: string }): string {
  return `${occurrenceWhen(o)} — ${o.topic}`;
}
