// The personal iCalendar file of a registration (`api.ics_url`): the days attended, the
// confirmed workshops and the evening event. Pure: `now` comes in as a parameter.
//
// Decisions:
// - Days are ALL-DAY events (DTSTART;VALUE=DATE, DTEND the next day, RFC 5545 exclusive
//   end). A meeting defines no daily hours, so inventing 09:00–17:30 would put wrong times
//   in people's agendas; a date has no time zone either, so a day never shifts for someone
//   whose agenda lives in another zone. They are marked busy (TRANSP:OPAQUE), since many
//   clients treat all-day events as free otherwise.
// - Workshops and the evening event are timed in the meeting's zone: DTSTART;TZID=<zone>,
//   with a VTIMEZONE built from luxon's zone data (RFC 5545 requires one per TZID, and
//   Outlook relies on it). The calendar itself carries no default zone, so DTSTAMP and
//   LAST-MODIFIED stay in UTC as the RFC requires.
// - UIDs are stable (`<registration id>-<item key>@publik-club`) and SEQUENCE is the
//   registration's version, so importing the file again after a change updates the events
//   instead of duplicating them. A day uses the on-site item key (`day:<date>`) whatever the
//   mode, so that switching between on site and remote updates the same event.
// - An on-site day still on the waiting list is shown TENTATIVE (« liste d’attente »):
//   the person keeps the date free; workshops and the evening event appear only confirmed.
// - A cancelled registration gets a calendar without events.
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency, type ICalEventData } from 'ical-generator';
import { DateTime } from 'luxon';
import { EVENING_KEY, dayKey, workshopKey } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type { Registration } from './schema.ts';

/** The evening event has a start time but no end: shown with this nominal length. */
export const EVENING_HOURS = 3;

const UID_DOMAIN = 'publik-club';
export const eventUid = (registrationId: string, itemKey: string) => `${registrationId}-${itemKey}@${UID_DOMAIN}`;

export function registrationCalendar(meeting: Meeting, registration: Registration, { now }: { now: Date }): string {
  const zone = meeting.timezone;
  const calendar = ical({
    prodId: { company: 'Club utilisateurs Publik', product: 'publik-club', language: 'FR' },
    method: ICalCalendarMethod.PUBLISH,
    name: meeting.title,
    // No calendar-wide zone (name null): only the VTIMEZONE generator for the events' TZIDs.
    timezone: { name: null, generator: (tz) => vtimezone(tz, yearsOf(meeting)) },
  });
  const common = {
    stamp: now,
    lastModified: new Date(registration.updated_at),
    sequence: registration.version,
    transparency: ICalEventTransparency.OPAQUE,
  } satisfies Partial<ICalEventData>;
  const held = (key: string) => registration.items.find((h) => h.key === key);
  const allDay = (date: string) => {
    const start = DateTime.fromISO(date, { zone });
    return { start, end: start.plus({ days: 1 }), allDay: true };
  };
  const timed = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone });

  if (registration.state === 'cancelled') return calendar.toString();

  for (const attendance of [...registration.days].sort((a, b) => a.date.localeCompare(b.date))) {
    const day = meeting.days.find((d) => d.date === attendance.date);
    if (!day) continue;
    const onsite = attendance.mode === 'onsite';
    const waiting = onsite && held(dayKey(day.date))?.status !== 'confirmed';
    const mode = !onsite ? 'à distance' : waiting ? 'sur place, liste d’attente' : 'sur place';
    // The video link goes to remote attendees only (it is never in a data source).
    const visio = !onsite ? day.visio_url : undefined;
    calendar.createEvent({
      ...common,
      ...allDay(day.date),
      id: eventUid(registration.id, dayKey(day.date)),
      summary: `${meeting.title} — ${day.label} (${mode})`,
      location: onsite ? meeting.venue : (visio ?? 'À distance'),
      ...(visio ? { url: visio } : {}),
      description: waiting
        ? `Vous êtes en liste d’attente pour venir sur place ce jour-là : vous serez prévenu·e si une place se libère.`
        : visio
          ? [`Pour suivre la journée à distance : ${visio}`, meeting.description].filter(Boolean).join('\n\n')
          : (meeting.description ?? null),
      status: waiting ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
    });
  }

  for (const workshop of meeting.workshops) {
    if (!registration.workshops.includes(workshop.id)) continue;
    if (held(workshopKey(workshop.id))?.status !== 'confirmed') continue;
    calendar.createEvent({
      ...common,
      id: eventUid(registration.id, workshopKey(workshop.id)),
      start: timed(workshop.day, workshop.starts_at),
      end: timed(workshop.day, workshop.ends_at),
      timezone: zone,
      summary: workshopSummary(workshop.title),
      location: meeting.venue,
      description: workshop.description ?? null,
      status: ICalEventStatus.CONFIRMED,
    });
  }

  const evening = meeting.evening_event;
  if (evening && registration.evening_event && held(EVENING_KEY)?.status === 'confirmed') {
    const when = evening.starts_at
      ? {
          start: timed(evening.date, evening.starts_at),
          end: timed(evening.date, evening.starts_at).plus({ hours: EVENING_HOURS }),
          timezone: zone,
        }
      : allDay(evening.date);
    calendar.createEvent({
      ...common,
      ...when,
      id: eventUid(registration.id, EVENING_KEY),
      summary: `${evening.title} — ${meeting.title}`,
      location: evening.venue ?? meeting.venue,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}

/** « Atelier : <title> », unless the organisers already named it « Atelier … ». */
function workshopSummary(title: string): string {
  return /^atelier\b/i.test(title) ? title : `Atelier : ${title}`;
}

function yearsOf(meeting: Meeting): { from: number; to: number } {
  const years = [
    ...meeting.days.map((d) => d.date),
    ...meeting.workshops.map((w) => w.day),
    ...(meeting.evening_event ? [meeting.evening_event.date] : []),
  ].map((d) => Number(d.slice(0, 4)));
  return { from: Math.min(...years), to: Math.max(...years) };
}

// ---------------------------------------------------------------------------------------
// VTIMEZONE from luxon's (the platform's ICU) zone data

const MINUTE = 60_000;

function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

const offsetAt = (zone: string, minute: number) => DateTime.fromMillis(minute * MINUTE, { zone }).offset;

interface Observance {
  /** UTC minute of the onset. */
  at: number;
  from: number;
  to: number;
  daylight: boolean;
}

/** Offset changes of `zone` during the years `from`..`to`, found day by day then to the minute. */
function observances(zone: string, from: number, to: number): Observance[] {
  const start = DateTime.utc(from, 1, 1).toMillis() / MINUTE;
  const end = DateTime.utc(to + 1, 1, 1).toMillis() / MINUTE;
  const isDst = (minute: number) => DateTime.fromMillis(minute * MINUTE, { zone }).isInDST;
  const first = offsetAt(zone, start);
  // The observance in force at the start of the range, so that every instant is covered.
  const out: Observance[] = [{ at: start, from: first, to: first, daylight: isDst(start) }];
  const DAY = 24 * 60;
  let previous = first;
  for (let day = start; day < end; day += DAY) {
    const next = offsetAt(zone, day + DAY);
    if (next === previous) continue;
    let lo = day;
    let hi = day + DAY;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(zone, mid) === previous) lo = mid;
      else hi = mid;
    }
    out.push({ at: hi, from: previous, to: next, daylight: isDst(hi) });
    previous = next;
  }
  return out;
}

/** A VTIMEZONE component for `zone` covering the given years (explicit onsets, no RRULE). */
export function vtimezone(zone: string, years: { from: number; to: number }): string | null {
  if (!DateTime.local({ zone }).isValid) return null;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`, `X-LIC-LOCATION:${zone}`];
  for (const o of observances(zone, years.from, years.to)) {
    const kind = o.daylight ? 'DAYLIGHT' : 'STANDARD';
    // An observance's onset is written in the local time in force before it.
    const onset = DateTime.fromMillis((o.at + o.from) * MINUTE, { zone: 'utc' }).toFormat("yyyyLLdd'T'HHmmss");
    lines.push(`BEGIN:${kind}`, `DTSTART:${onset}`, `TZOFFSETFROM:${offsetText(o.from)}`, `TZOFFSETTO:${offsetText(o.to)}`, `END:${kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
